-- The rate limit each tenant's plan gives it today, read by the server to size its token buckets
-- (docs/OPERATIONS.md, "Rate limits"). Across tenants, so a SECURITY DEFINER function: the app role
-- reads no tenant's subscription otherwise. p_tenants null: every tenant.
create function pmo.tenant_rate_limits(p_tenants uuid[], p_today date)
returns table (tenant_id uuid, requests_per_second integer, burst integer)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
begin
    return query
    select s.tenant_id, p.requests_per_second, p.burst
    from public.subscriptions s join public.plans p on p.id = s.plan_id
    where (p_tenants is null or s.tenant_id = any (p_tenants))
      and s.starts_on <= p_today and (s.ends_on is null or s.ends_on > p_today);
end
$$;
grant execute on function pmo.tenant_rate_limits(uuid[], date) to pmo_app;
