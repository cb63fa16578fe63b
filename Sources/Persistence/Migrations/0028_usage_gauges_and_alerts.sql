-- Usage against the plan (docs/DOMAIN.md §7): daily samples of the gauge metrics, and the alerts
-- recorded when a metric's use crosses 80 % and 100 % of the plan's included quantity.

-- A day's value is its highest sample (the server samples every tenant hourly).
create table usage_gauges (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    day        date not null,
    metric     text not null check (metric in ('active_projects', 'members', 'api_clients')),
    value      bigint not null check (value >= 0),
    primary key (tenant_id, day, metric)
);
select pmo.isolate_by_tenant('usage_gauges');

-- Once per billing period, metric and threshold (the primary key says so).
create table usage_alerts (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    period_start  date not null,
    metric        text not null check (metric in ('api_requests', 'active_projects', 'members', 'api_clients')),
    threshold     smallint not null check (threshold in (80, 100)),
    used          bigint not null,
    included      bigint not null,
    recorded_at   timestamptz not null,
    primary key (tenant_id, period_start, metric, threshold)
);
select pmo.isolate_by_tenant('usage_alerts');

-- The tenants in service (active or onboarding), for the hourly usage sample; across tenants, so a
-- SECURITY DEFINER function.
create function pmo.tenants_in_service() returns setof uuid
language plpgsql stable security definer set search_path = pg_catalog, public as $$
begin
    return query select t.id from public.tenants t where t.status in ('active', 'onboarding') order by t.id;
end
$$;
grant execute on function pmo.tenants_in_service() to pmo_app;

grant select, insert, update on usage_gauges to pmo_app;
grant select, insert on usage_alerts to pmo_app;
