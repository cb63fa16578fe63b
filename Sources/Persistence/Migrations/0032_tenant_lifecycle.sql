-- Onboarding and the tenant lifecycle through the platform API (docs/DOMAIN.md §1): operators
-- create tenants, move them through their lifecycle, tick their onboarding checklist, assign account
-- managers and disable operators or revoke their keys; every such write is on the platform audit log.
-- What an operator may see is read through SECURITY DEFINER functions (their role, an account
-- manager's assignments); the tenant writes that follow run as the server's role in the tenant's
-- transaction, under the tenants' row-level security. On Citus one transaction's writes to the
-- platform's reference tables must come from one role: a row one role wrote (or locked) cannot be
-- read or written by the other in the same transaction (docs/ARCHITECTURE.md, "Citus-ready queries").

-- Why and when the status last changed (what a tenant's people will ask about a suspension).
alter table tenants
    add column status_reason text check (status_reason is null or length(status_reason) between 1 and 500),
    add column status_changed_at timestamptz;

-- pmo.operator_tenants as 0029 left it, with the two new columns (a new row type: drop, create).
-- Asked for one tenant, it reads that tenant's assignments only (one shard on Citus): a platform
-- write follows in the same transaction, and Citus refuses to write a reference table after a
-- statement that ran on every shard.
drop function pmo.operator_tenants(uuid, uuid, uuid, bigint);
create function pmo.operator_tenants(p_operator uuid, p_id uuid, p_after uuid, p_limit bigint)
returns table (id uuid, slug text, name text, status text, status_reason text, status_changed_at timestamptz,
               created_at timestamptz, updated_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
begin
    if p_id is not null then
        return query
        select t.id, t.slug, t.name, t.status, t.status_reason, t.status_changed_at, t.created_at, t.updated_at
        from public.tenants t join public.operators o on o.id = p_operator
        where t.id = p_id and t.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
          and (o.role = 'platform_admin'
               or t.id in (select a.tenant_id from public.operator_assignments a
                           where a.tenant_id = p_id and a.operator_id = p_operator));
        return;
    end if;
    return query
    select t.id, t.slug, t.name, t.status, t.status_reason, t.status_changed_at, t.created_at, t.updated_at
    from public.tenants t join public.operators o on o.id = p_operator
    where t.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
      and (o.role = 'platform_admin'
           or t.id in (select a.tenant_id from public.operator_assignments a where a.operator_id = p_operator))
    order by t.id limit p_limit;
end
$$;

-- What operators recorded on a tenant's onboarding checklist: the steps ticked or skipped by hand.
-- Steps the system observes (plan, owner invited and accepted, SSO) are read from their own tables.
create table onboarding_steps (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    step       text not null check (step in ('contract_signed', 'sso_configured', 'data_imported', 'kickoff_held')),
    mark       text not null check (mark in ('done', 'skipped')),
    marked_by  text not null check (length(marked_by) between 1 and 200),
    marked_at  timestamptz not null,
    primary key (tenant_id, step),
    check (mark = 'done' or step in ('sso_configured', 'data_imported'))
);
select pmo.isolate_by_tenant('onboarding_steps');
grant select, insert, update, delete on onboarding_steps to pmo_app;

-- Every platform write: who (an operator, or pmo-admin and the user who ran it), what, on which
-- tenant. The tenant is a plain column, not `tenant_id` with a foreign key: the log must outlive a
-- tenant's erasure. It lives in schema pmo, so on Citus it stays a table of the coordinator (the
-- migrator places the tables of `public` only): both roles append to it in transactions that write
-- reference tables, which a reference table of its own would forbid; it is never joined.
create table pmo.platform_audit_log (
    id                uuid primary key,
    occurred_at       timestamptz not null,
    actor             text not null check (length(actor) between 1 and 200),
    operator_id       uuid,
    operation         text not null check (length(operation) between 1 and 100),
    subject_tenant_id uuid,
    resource_type     text not null check (length(resource_type) between 1 and 100),
    resource_id       text not null check (length(resource_id) between 1 and 200),
    changed_fields    text[] not null default '{}',
    reason            text check (reason is null or length(reason) between 1 and 500),
    request_id        text check (request_id is null or length(request_id) <= 200),
    client_address    text check (client_address is null or length(client_address) <= 100)
);
create index platform_audit_log_operator on pmo.platform_audit_log (operator_id, id);
create index platform_audit_log_tenant on pmo.platform_audit_log (subject_tenant_id, id);
grant insert on pmo.platform_audit_log to pmo_app;

-- Operators create tenants and change them as the server's role: row-level security on tenants
-- (`id = pmo.current_tenant()`) keeps each write to the tenant its transaction is bound to.
grant insert on tenants to pmo_app;
grant update (name, status, status_reason, status_changed_at, updated_at) on tenants to pmo_app;
-- Platform admins assign account managers (the server checks the role; row-level security the tenant).
grant select, insert, delete on operator_assignments to pmo_app;
-- Which operators look after a tenant, and whether an operator is an account manager (never keys).
grant select (id, email, role) on operators to pmo_app;

-- The tenants' account managers, for the operators who may see those tenants.
create function pmo.platform_tenant_managers(p_operator uuid, p_tenants uuid[])
returns table (tenant_id uuid, operator_id uuid, email text)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
declare
    v_role text;
begin
    select o.role into v_role from public.operators o where o.id = p_operator;
    if v_role = 'platform_admin' then
        return query
        select a.tenant_id, a.operator_id, m.email from public.operator_assignments a
             join public.operators m on m.id = a.operator_id
        where a.tenant_id = any (p_tenants) order by a.tenant_id, m.email;
    elsif v_role is not null then
        return query
        select a.tenant_id, a.operator_id, m.email from public.operator_assignments a
             join public.operator_assignments mine on mine.tenant_id = a.tenant_id and mine.operator_id = p_operator
             join public.operators m on m.id = a.operator_id
        where a.tenant_id = any (p_tenants) order by a.tenant_id, m.email;
    end if;
end
$$;

-- Every operator, a row per key of theirs (never the hashes; key columns null for an operator
-- without keys), for a platform admin; nothing for anyone else.
create function pmo.platform_operators(p_operator uuid)
returns table (id uuid, email text, role text, created_at timestamptz, disabled_at timestamptz,
               key_id text, key_created_at timestamptz, key_revoked_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
begin
    if not exists (select from public.operators o where o.id = p_operator and o.role = 'platform_admin') then
        return;
    end if;
    return query
    select o.id, o.email, o.role, o.created_at, o.disabled_at, k.public_id, k.created_at, k.revoked_at
    from public.operators o left join public.operator_keys k on k.operator_id = o.id
    order by o.email, k.created_at, k.public_id;
end
$$;

-- A platform admin disables an operator (every key of theirs stops working); the time it took
-- effect, the earlier one when already disabled, or null when there is no such operator.
create function pmo.platform_disable_operator(p_operator uuid, p_target uuid)
returns timestamptz
language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    v_at timestamptz;
    v_now timestamptz := now();   -- a variable: Citus refuses now() inside COALESCE
begin
    if not exists (select from public.operators o where o.id = p_operator and o.role = 'platform_admin'
                   and o.disabled_at is null) then
        return null;
    end if;
    update public.operators o set disabled_at = coalesce(o.disabled_at, v_now) where o.id = p_target
    returning o.disabled_at into v_at;
    return v_at;
end
$$;

-- A platform admin revokes one operator key; as for disabling, the time or null.
create function pmo.platform_revoke_operator_key(p_operator uuid, p_key text)
returns table (operator_id uuid, revoked_at timestamptz)
language plpgsql security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
declare
    v_now timestamptz := now();   -- a variable: Citus refuses now() inside COALESCE
begin
    if not exists (select from public.operators o where o.id = p_operator and o.role = 'platform_admin'
                   and o.disabled_at is null) then
        return;
    end if;
    return query
    update public.operator_keys k set revoked_at = coalesce(k.revoked_at, v_now) where k.public_id = p_key
    returning k.operator_id, k.revoked_at;
end
$$;

-- The platform audit log as an operator may read it, in id (time) order after p_after: all of it
-- for a platform admin; an account manager's own writes and those on the tenants they look after.
create function pmo.platform_audit_events(p_operator uuid, p_tenant uuid, p_after uuid, p_limit bigint)
returns table (id uuid, occurred_at timestamptz, actor text, operator_id uuid, operation text, subject_tenant_id uuid,
               resource_type text, resource_id text, changed_fields text[], reason text, request_id text,
               client_address text)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
declare
    v_role text;
    v_mine uuid[];
begin
    select o.role into v_role from public.operators o where o.id = p_operator;
    if v_role is null then
        return;
    end if;
    if v_role <> 'platform_admin' then
        select coalesce(array_agg(a.tenant_id), '{}') into v_mine
        from public.operator_assignments a where a.operator_id = p_operator;
    end if;
    return query
    select e.id, e.occurred_at, e.actor, e.operator_id, e.operation, e.subject_tenant_id, e.resource_type,
           e.resource_id, e.changed_fields, e.reason, e.request_id, e.client_address
    from pmo.platform_audit_log e
    where (v_role = 'platform_admin' or e.operator_id = p_operator or e.subject_tenant_id = any (v_mine))
      and (p_tenant is null or e.subject_tenant_id = p_tenant)
      and e.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
    order by e.id limit p_limit;
end
$$;

grant execute on function pmo.operator_tenants(uuid, uuid, uuid, bigint),
    pmo.platform_tenant_managers(uuid, uuid[]),
    pmo.platform_operators(uuid),
    pmo.platform_disable_operator(uuid, uuid),
    pmo.platform_revoke_operator_key(uuid, text),
    pmo.platform_audit_events(uuid, uuid, uuid, bigint) to pmo_app;
