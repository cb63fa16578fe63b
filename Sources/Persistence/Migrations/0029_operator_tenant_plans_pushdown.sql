-- pmo.operator_tenant_plans and pmo.operator_tenants again, Citus-ready. operator_tenant_plans: its `exists` over operator_assignments was correlated
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

-- pmo.operator_tenants as the plan column left it (0026), again with the assignment check as a
-- subquery of its own, as 0025 made it: Citus refuses a correlated subquery beside a reference table.
create or replace function pmo.operator_tenants(p_operator uuid, p_id uuid, p_after uuid, p_limit bigint)
returns table (id uuid, slug text, name text, status text, created_at timestamptz, updated_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
begin
    return query
    select t.id, t.slug, t.name, t.status, t.created_at, t.updated_at
    from public.tenants t join public.operators o on o.id = p_operator
    where (p_id is null or t.id = p_id) and t.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
      and (o.role = 'platform_admin'
           or t.id in (select a.tenant_id from public.operator_assignments a where a.operator_id = p_operator))
    order by t.id limit p_limit;
end
$$;
