-- Billing (docs/DOMAIN.md, "Billing and usage"): the plan catalogue and each tenant's subscriptions.
--
-- A plan is versioned: editing one adds the next version of its code, and a subscription keeps the
-- version it names until an operator moves it. Plans are the platform's price list, not tenant
-- data: the app role reads them (a tenant reads its own plan's terms) and the server writes them
-- for platform admins (the operation's scope is one only platform admins hold). On Citus the table
-- is a reference table, copied to every node.
create table plans (
    id                   uuid primary key,
    code                 text not null check (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
    version              integer not null check (version >= 1),
    name                 text not null check (length(name) between 1 and 200),
    currency             text not null check (currency ~ '^[A-Z]{3}$'),
    base_fee             bigint not null check (base_fee >= 0),
    requests_per_second  integer not null check (requests_per_second between 1 and 10000),
    burst                integer not null check (burst between requests_per_second and 100000),
    -- Per metric: {"included": n, "hardQuota": n or null, "tiers": [{"upTo": n or null, "unitPrice": n, "per": n}]},
    -- checked by PlanTerms.check before it is stored.
    metrics              jsonb not null default '{}' check (jsonb_typeof(metrics) = 'object'),
    created_at           timestamptz not null default now(),
    -- Set on every version of the code at once: no new subscription may name it.
    archived_at          timestamptz,
    unique (code, version)
);

-- Which plan version a tenant is on, from when. A tenant's subscriptions follow one another without
-- gaps or overlaps (SubscriptionStore changes them under a lock on the tenant's rows): at most one is
-- open-ended, and a change closes the current one on the day the next starts.
create table subscriptions (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null,
    plan_id     uuid not null references plans (id),
    starts_on   date not null,
    -- The first day no longer in force; null while it is the last one.
    ends_on     date,
    -- Billing periods start on this day of each month (1 to 28, so every month has one).
    anchor_day  smallint not null check (anchor_day between 1 and 28),
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, starts_on),
    check (ends_on is null or ends_on > starts_on)
);
create unique index subscriptions_one_open on subscriptions (tenant_id) where ends_on is null;
select pmo.isolate_by_tenant('subscriptions');

-- The plans the three former plan names stood for, as version 1 of each code.
insert into plans (id, code, version, name, currency, base_fee, requests_per_second, burst, metrics) values
    ('01930000-0000-7000-8000-000000000001', 'starter', 1, 'Starter', 'EUR', 4900, 10, 50, '{
        "api_requests": {"included": 100000, "hardQuota": null, "tiers": [{"upTo": null, "unitPrice": 20, "per": 1000}]},
        "active_projects": {"included": 10, "hardQuota": 10, "tiers": []},
        "members": {"included": 10, "hardQuota": 15, "tiers": [{"upTo": null, "unitPrice": 900, "per": 1}]},
        "api_clients": {"included": 3, "hardQuota": 5, "tiers": []}}'),
    ('01930000-0000-7000-8000-000000000002', 'professional', 1, 'Professional', 'EUR', 19900, 50, 200, '{
        "api_requests": {"included": 1000000, "hardQuota": null,
                         "tiers": [{"upTo": 4000000, "unitPrice": 15, "per": 1000}, {"upTo": null, "unitPrice": 10, "per": 1000}]},
        "active_projects": {"included": 100, "hardQuota": 150, "tiers": [{"upTo": null, "unitPrice": 500, "per": 1}]},
        "members": {"included": 50, "hardQuota": null, "tiers": [{"upTo": null, "unitPrice": 800, "per": 1}]},
        "api_clients": {"included": 20, "hardQuota": 50, "tiers": []}}'),
    ('01930000-0000-7000-8000-000000000003', 'enterprise', 1, 'Enterprise', 'EUR', 99900, 500, 1000, '{
        "api_requests": {"included": 10000000, "hardQuota": null, "tiers": [{"upTo": null, "unitPrice": 5, "per": 1000}]},
        "active_projects": {"included": 1000, "hardQuota": null, "tiers": []},
        "members": {"included": 500, "hardQuota": null, "tiers": [{"upTo": null, "unitPrice": 600, "per": 1}]},
        "api_clients": {"included": 200, "hardQuota": null, "tiers": []}}');

-- Every existing tenant is subscribed to version 1 of the plan it named, from the day it was created,
-- billed from the first of each month.
insert into subscriptions (tenant_id, id, plan_id, starts_on, anchor_day)
select t.id, gen_random_uuid(), p.id, (t.created_at at time zone 'UTC')::date, 1
from tenants t join plans p on p.code = t.plan and p.version = 1;

-- The subscription is now where a tenant's plan is kept.
alter table tenants drop column plan;

-- The tenants an operator may see lose the plan column; the plan each is on comes from
-- pmo.operator_tenant_plans, a statement of its own (on Citus a join from the tenants reference table
-- out to a tenant's subscriptions could not be pushed down to the shards).
drop function pmo.operator_tenants(uuid, uuid, uuid, bigint);
create function pmo.operator_tenants(p_operator uuid, p_id uuid, p_after uuid, p_limit bigint)
returns table (id uuid, slug text, name text, status text, created_at timestamptz, updated_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
begin
    return query
    select t.id, t.slug, t.name, t.status, t.created_at, t.updated_at
    from public.tenants t join public.operators o on o.id = p_operator
    where (p_id is null or t.id = p_id) and t.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
      and (o.role = 'platform_admin'
           or exists (select from public.operator_assignments a where a.operator_id = o.id and a.tenant_id = t.id))
    order by t.id limit p_limit;
end
$$;

-- The code of the plan each of p_tenants is on on p_today, for those the operator may see.
create function pmo.operator_tenant_plans(p_operator uuid, p_tenants uuid[], p_today date)
returns table (tenant_id uuid, code text)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
begin
    return query
    select s.tenant_id, p.code
    from public.subscriptions s join public.plans p on p.id = s.plan_id join public.operators o on o.id = p_operator
    where s.tenant_id = any (p_tenants) and s.starts_on <= p_today and (s.ends_on is null or s.ends_on > p_today)
      and (o.role = 'platform_admin'
           or exists (select from public.operator_assignments a where a.operator_id = o.id and a.tenant_id = s.tenant_id));
end
$$;
grant execute on function pmo.operator_tenants(uuid, uuid, uuid, bigint), pmo.operator_tenant_plans(uuid, uuid[], date) to pmo_app;

grant select, insert on plans to pmo_app;
grant update (archived_at) on plans to pmo_app;
grant select, insert, update on subscriptions to pmo_app;
