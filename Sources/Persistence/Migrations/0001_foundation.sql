-- Foundation: tenants, API keys, projects, audit, idempotency and usage.
--
-- Isolation (ARCHITECTURE.md rule 2): every tenant-owned table has tenant_id, a primary key that starts
-- with it, foreign keys that include it, and a FORCEd row-level security policy on app.tenant_id.
-- The server's role (pmo_app) owns nothing and cannot bypass the policies; it is created with the
-- cluster (infra/pg.sh, pg_cluster_bootstrap) or by the operator, and only granted here.

create schema if not exists pmo;

-- Sets the tenant for the current transaction only. SET LOCAL (not set_config) so that a Citus
-- cluster propagates it to the workers; format(%L) keeps the value a bound parameter of the caller.
create function pmo.set_tenant(p_tenant uuid) returns void
language plpgsql volatile as $$
begin
    -- An empty value (for null) reads as "no tenant" through pmo.current_tenant().
    execute format('set local app.tenant_id = %L', coalesce(p_tenant::text, ''));
end
$$;

-- The tenant the current transaction works for, or null (then every policy matches zero rows).
create function pmo.current_tenant() returns uuid
language sql stable as $$
    select nullif(current_setting('app.tenant_id', true), '')::uuid
$$;

create table tenants (
    id          uuid primary key,
    slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text not null check (length(name) between 1 and 200),
    plan        text not null check (plan in ('starter', 'professional', 'enterprise')),
    status      text not null default 'active'
                check (status in ('provisioning', 'onboarding', 'active', 'suspended', 'offboarding', 'deleted')),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- Where a key's public id lives: platform-level routing, read only by pmo.begin_key_request (the app
-- role cannot select it) so that a request can find its tenant before any tenant is set.
create table api_key_directory (
    public_id   text primary key,
    tenant_id   uuid not null references tenants (id) on delete cascade
);

create table api_keys (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null,
    public_id     text not null references api_key_directory (public_id) on delete cascade,
    name          text not null check (length(name) between 1 and 200),
    secret_hash   bytea not null,
    scopes        text[] not null,
    created_at    timestamptz not null default now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    primary key (tenant_id, id),
    unique (tenant_id, public_id)
);

create table projects (
    tenant_id            uuid not null references tenants (id) on delete cascade,
    id                   uuid not null,
    code                 text not null,
    name                 text not null,
    methodology          text not null check (methodology in ('predictive', 'agile', 'hybrid')),
    phase                text not null check (phase in ('initiating', 'planning', 'executing', 'monitoring', 'closing')),
    status               text not null check (status in ('proposed', 'active', 'on_hold', 'completed', 'cancelled')),
    sponsor              text,
    manager              text,
    planned_start        date,
    planned_finish       date,
    budget_at_completion bigint not null default 0 check (budget_at_completion >= 0),
    currency             text not null check (currency ~ '^[A-Z]{3}$'),
    version              bigint not null default 1,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, code),
    check (planned_finish is null or planned_start is null or planned_finish >= planned_start)
);
-- Filtered lists page by id inside one status.
create index projects_status_idx on projects (tenant_id, status, id);

create table audit_events (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null,
    occurred_at     timestamptz not null default now(),
    actor_type      text not null check (actor_type in ('api_key', 'operator')),
    actor_id        text not null,
    operation       text not null,
    resource_type   text not null,
    resource_id     uuid not null,
    request_id      text,
    changed_fields  text[] not null default '{}',
    primary key (tenant_id, id)
);

create table idempotency_keys (
    tenant_id        uuid not null references tenants (id) on delete cascade,
    idempotency_key  text not null,
    operation        text not null,
    request_hash     bytea not null,
    response_status  integer not null,
    response_body    bytea not null,
    response_headers jsonb not null default '{}',
    created_at       timestamptz not null default now(),
    primary key (tenant_id, idempotency_key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

create table usage_counters (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    day           date not null,
    operation_id  text not null,
    status_class  smallint not null check (status_class between 1 and 5),
    calls         bigint not null check (calls >= 0),
    primary key (tenant_id, day, operation_id, status_class)
);

-- Row-level security: one policy shape for every tenant-owned table.
do $$
declare
    t text;
begin
    foreach t in array array['api_keys', 'projects', 'audit_events', 'idempotency_keys', 'usage_counters'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;

-- A tenant sees only its own tenants row (for its status).
alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_isolation on tenants using (id = pmo.current_tenant()) with check (id = pmo.current_tenant());

-- Adds metered calls for many tenants in one statement: the flusher sends a batch of arrays, and the
-- tenant is set for each tenant's rows so that the policies apply as for any other write.
create function pmo.add_usage(p_tenants uuid[], p_days date[], p_operations text[], p_classes smallint[], p_calls bigint[])
returns void language plpgsql volatile as $$
declare
    t uuid;
begin
    -- Tenants in a fixed order, so two servers flushing at once lock rows in the same order.
    for t in select distinct u from unnest(p_tenants) as u order by u loop
        perform pmo.set_tenant(t);
        insert into usage_counters (tenant_id, day, operation_id, status_class, calls)
        select r.tenant_id, r.day, r.operation_id, r.status_class, sum(r.calls)
        from unnest(p_tenants, p_days, p_operations, p_classes, p_calls)
             as r (tenant_id, day, operation_id, status_class, calls)
        where r.tenant_id = t
        group by r.tenant_id, r.day, r.operation_id, r.status_class
        on conflict (tenant_id, day, operation_id, status_class)
        do update set calls = usage_counters.calls + excluded.calls;
    end loop;
    perform pmo.set_tenant(null);
end
$$;

-- Records last use for many keys at once (at most once a minute per key, decided by the server).
create function pmo.touch_api_keys(p_tenants uuid[], p_keys uuid[], p_used_at timestamptz[])
returns void language plpgsql volatile as $$
declare
    t uuid;
begin
    for t in select distinct u from unnest(p_tenants) as u order by u loop
        perform pmo.set_tenant(t);
        update api_keys k set last_used_at = greatest(k.last_used_at, r.used_at)
        from unnest(p_tenants, p_keys, p_used_at) as r (tenant_id, key_id, used_at)
        where r.tenant_id = t and k.tenant_id = r.tenant_id and k.id = r.key_id;
    end loop;
    perform pmo.set_tenant(null);
end
$$;

-- Starts a request's transaction for an API key: finds the key's tenant, sets it, and returns what
-- the server needs to authenticate (the hash is compared by the server, in constant time).
-- Zero rows means no such key. One round trip for tenant + credential + tenant status.
-- SECURITY DEFINER so that the directory stays unreadable to the app role; the tenant it sets with
-- SET LOCAL outlives the call, and everything after it in the transaction runs as the app role, under
-- row-level security. No SET clause (it would cost a configuration save and restore on every
-- request): every name inside is schema-qualified instead.
create function pmo.begin_key_request(p_public_id text)
returns table (tenant_id uuid, key_id uuid, secret_hash bytea, scopes text[], expires_at timestamptz,
               revoked_at timestamptz, tenant_status text)
language plpgsql volatile security definer as $$
declare
    v_tenant uuid;
begin
    select d.tenant_id into v_tenant from public.api_key_directory d where d.public_id = p_public_id;
    if v_tenant is null then
        return;
    end if;
    perform pmo.set_tenant(v_tenant);
    return query
        select k.tenant_id, k.id, k.secret_hash, k.scopes, k.expires_at, k.revoked_at, t.status
        from public.api_keys k join public.tenants t on t.id = k.tenant_id
        where k.tenant_id = v_tenant and k.public_id = p_public_id;
end
$$;

-- One-round-trip project reads. Each is one statement (one implicit transaction) that starts the
-- request with pmo.begin_key_request and then reads as the app role, under row-level security. In
-- PL/pgSQL the order of the two steps is guaranteed (a join in one SQL statement leaves it to the
-- planner) and both plans are cached per connection. Zero rows: no such key; one row with null
-- project columns: the key exists but nothing matched.
create type pmo.keyed_project as (
    key_tenant_id uuid, key_id uuid, key_secret_hash bytea, key_scopes text[], key_expires_at timestamptz,
    key_revoked_at timestamptz, key_tenant_status text,
    id uuid, code text, name text, methodology text, phase text, status text, sponsor text, manager text,
    planned_start text, planned_finish text, budget_at_completion bigint, currency text, version bigint,
    created_at timestamptz, updated_at timestamptz);

create function pmo.keyed_projects(p_public_id text, p_id uuid, p_code text, p_status text, p_after uuid, p_limit bigint)
returns setof pmo.keyed_project language plpgsql volatile as $$
declare
    k record;
    found_any boolean := false;
    r pmo.keyed_project;
begin
    select * into k from pmo.begin_key_request(p_public_id);
    if not found then
        return;
    end if;
    r := row(k.tenant_id, k.key_id, k.secret_hash, k.scopes, k.expires_at, k.revoked_at, k.tenant_status,
             null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    -- Four shapes, each with its own cached plan on the right index.
    if p_id is not null then
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at
        from public.projects p where p.tenant_id = k.tenant_id and p.id = p_id;
    elsif p_code is not null then
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at
        from public.projects p where p.tenant_id = k.tenant_id and p.code = p_code;
    elsif p_status is not null then
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at
        from public.projects p
        where p.tenant_id = k.tenant_id and p.status = p_status and p.id > p_after
        order by p.id limit p_limit;
    else
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at
        from public.projects p
        where p.tenant_id = k.tenant_id and p.id > p_after
        order by p.id limit p_limit;
    end if;
    if not found then
        return next r;  -- the key alone, so the caller can still authenticate
    end if;
end
$$;

-- Deletes idempotency records past their 24 hours for every tenant (called by the servers now and
-- then). SECURITY DEFINER: the owner bypasses row-level security for this platform housekeeping.
create function pmo.purge_idempotency_keys() returns bigint
language sql volatile security definer set search_path = pg_catalog, public as $$
    with purged as (
        delete from public.idempotency_keys where created_at < now() - interval '24 hours' returning 1
    )
    select count(*) from purged
$$;

-- The server's role: data access only, never schema changes; audit rows are append-only.
grant usage on schema pmo to pmo_app;
grant select on pmo.schema_migrations to pmo_app;
grant usage on schema public to pmo_app;
grant execute on all functions in schema pmo to pmo_app;
grant select on tenants to pmo_app;
grant select, update (last_used_at) on api_keys to pmo_app;
grant select, insert, update, delete on projects to pmo_app;
grant select, insert on audit_events to pmo_app;
grant select, insert, update, delete on idempotency_keys to pmo_app;
grant select, insert, update on usage_counters to pmo_app;
