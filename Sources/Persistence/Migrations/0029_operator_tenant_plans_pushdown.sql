-- pmo.operator_tenant_plans again, Citus-ready: its `exists` over operator_assignments was correlated
-- with the operators reference table, which Citus cannot push down to the shards ("correlated
-- subqueries are not supported"). The role is read first; an account manager's tenants then come
-- from a join on tenant_id, which stays on each tenant's shard. Same signature, same rows.
create or replace function pmo.operator_tenant_plans(p_operator uuid, p_tenants uuid[], p_today date)
returns table (tenant_id uuid, code text)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
declare
    v_role text;
begin
    select o.role into v_role from public.operators o where o.id = p_operator;
    if v_role = 'platform_admin' then
        return query
        select s.tenant_id, p.code
        from public.subscriptions s join public.plans p on p.id = s.plan_id
        where s.tenant_id = any (p_tenants) and s.starts_on <= p_today and (s.ends_on is null or s.ends_on > p_today);
    elsif v_role is not null then
        return query
        select s.tenant_id, p.code
        from public.subscriptions s join public.plans p on p.id = s.plan_id
             join public.operator_assignments a on a.tenant_id = s.tenant_id and a.operator_id = p_operator
        where s.tenant_id = any (p_tenants) and s.starts_on <= p_today and (s.ends_on is null or s.ends_on > p_today);
    end if;
end
$$;
