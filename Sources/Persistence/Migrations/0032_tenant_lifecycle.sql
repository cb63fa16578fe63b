-- Onboarding and the tenant lifecycle through the platform API (docs/DOMAIN.md §1): operators
-- create tenants, move them through their lifecycle, tick their onboarding checklist, assign account
-- managers and disable operators or revoke their keys; every such write is on the platform audit log.
-- Operators are platform-level, so these writes go through SECURITY DEFINER functions that check
-- the calling operator's role (and an account manager's assignment) in the database as well. On
-- Citus the role is read first and assignments joined on tenant_id, as operator_tenant_plans does.

-- Why and when the status last changed (what a tenant's people will ask about a suspension).
alter table tenants
    add column status_reason text check (status_reason is null or length(status_reason) between 1 and 500),
    add column status_changed_at timestamptz;

-- pmo.operator_tenants as 0029 left it, with the two new columns (a new row type: drop, create).
drop function pmo.operator_tenants(uuid, uuid, uuid, bigint);
create function pmo.operator_tenants(p_operator uuid, p_id uuid, p_after uuid, p_limit bigint)
returns table (id uuid, slug text, name text, status text, status_reason text, status_changed_at timestamptz,
               created_at timestamptz, updated_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
begin
    return query
    select t.id, t.slug, t.name, t.status, t.status_reason, t.status_changed_at, t.created_at, t.updated_at
    from public.tenants t join public.operators o on o.id = p_operator
    where (p_id is null or t.id = p_id) and t.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
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
alter table onboarding_steps enable row level security;
alter table onboarding_steps force row level security;
create policy tenant_isolation on onboarding_steps using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());
grant select, insert, update, delete on onboarding_steps to pmo_app;

-- Every platform write: who (an operator, or pmo-admin and the user who ran it), what, on which
-- tenant. The tenant is a plain column, not `tenant_id` with a foreign key: the log must outlive a
-- tenant's erasure, and it is platform-level (a reference table on Citus).
create table platform_audit_events (
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
create index platform_audit_events_operator on platform_audit_events (operator_id, id);
create index platform_audit_events_tenant on platform_audit_events (subject_tenant_id, id);
grant insert on platform_audit_events to pmo_app;

-- A tenant an operator creates starts in provisioning; an account manager who creates one looks
-- after it from then on. Null when the operator does not exist or is disabled; a taken slug raises
-- unique_violation as an insert would.
create function pmo.platform_create_tenant(p_operator uuid, p_id uuid, p_slug text, p_name text)
returns table (id uuid, slug text, name text, status text, status_reason text, status_changed_at timestamptz,
               created_at timestamptz, updated_at timestamptz)
language plpgsql security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
declare
    v_role text;
begin
    select o.role into v_role from public.operators o where o.id = p_operator and o.disabled_at is null;
    if v_role is null then
        return;
    end if;
    insert into public.tenants (id, slug, name, status, status_changed_at) values (p_id, p_slug, p_name, 'provisioning', now());
    if v_role = 'account_manager' then
        insert into public.operator_assignments (operator_id, tenant_id) values (p_operator, p_id);
    end if;
    return query
    select t.id, t.slug, t.name, t.status, t.status_reason, t.status_changed_at, t.created_at, t.updated_at
    from public.tenants t where t.id = p_id;
end
$$;

-- A tenant the operator looks after, locked until the transaction ends (no row: not theirs).
create function pmo.platform_lock_tenant(p_operator uuid, p_tenant uuid)
returns table (id uuid, slug text, name text, status text, status_reason text, status_changed_at timestamptz,
               created_at timestamptz, updated_at timestamptz)
language plpgsql security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
declare
    v_role text;
begin
    select o.role into v_role from public.operators o where o.id = p_operator and o.disabled_at is null;
    if v_role is null or (v_role <> 'platform_admin' and not exists (
            select from public.operator_assignments a where a.tenant_id = p_tenant and a.operator_id = p_operator)) then
        return;
    end if;
    return query
    select t.id, t.slug, t.name, t.status, t.status_reason, t.status_changed_at, t.created_at, t.updated_at
    from public.tenants t where t.id = p_tenant for update;
end
$$;

-- Renames a tenant or changes its status (the server checked the move on the locked row); a null
-- argument keeps the value. A status change stores its reason (null when none was given).
create function pmo.platform_update_tenant(p_operator uuid, p_tenant uuid, p_name text, p_status text, p_reason text)
returns table (id uuid, slug text, name text, status text, status_reason text, status_changed_at timestamptz,
               created_at timestamptz, updated_at timestamptz)
language plpgsql security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
begin
    if not exists (select from pmo.platform_lock_tenant(p_operator, p_tenant)) then
        return;
    end if;
    return query
    update public.tenants t
    set name = coalesce(p_name, t.name),
        status = coalesce(p_status, t.status),
        status_reason = case when p_status is null then t.status_reason else p_reason end,
        status_changed_at = case when p_status is null then t.status_changed_at else now() end,
        updated_at = now()
    where t.id = p_tenant
    returning t.id, t.slug, t.name, t.status, t.status_reason, t.status_changed_at, t.created_at, t.updated_at;
end
$$;

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

-- A platform admin assigns an account manager to a tenant (p_assign) or takes them off it.
-- Answers 'done', 'unchanged', 'not-admin', 'no-tenant' or 'not-account-manager'.
create function pmo.platform_assign(p_operator uuid, p_tenant uuid, p_account_manager uuid, p_assign boolean)
returns text
language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    v_count bigint;
begin
    if not exists (select from public.operators o where o.id = p_operator and o.role = 'platform_admin'
                   and o.disabled_at is null) then
        return 'not-admin';
    end if;
    if not exists (select from public.tenants t where t.id = p_tenant) then
        return 'no-tenant';
    end if;
    if p_assign then
        if not exists (select from public.operators o where o.id = p_account_manager and o.role = 'account_manager') then
            return 'not-account-manager';
        end if;
        insert into public.operator_assignments (operator_id, tenant_id) values (p_account_manager, p_tenant)
        on conflict do nothing;
    else
        delete from public.operator_assignments a where a.tenant_id = p_tenant and a.operator_id = p_account_manager;
    end if;
    get diagnostics v_count = row_count;
    return case when v_count = 0 then 'unchanged' else 'done' end;
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
begin
    if not exists (select from public.operators o where o.id = p_operator and o.role = 'platform_admin'
                   and o.disabled_at is null) then
        return null;
    end if;
    update public.operators o set disabled_at = coalesce(o.disabled_at, now()) where o.id = p_target
    returning o.disabled_at into v_at;
    return v_at;
end
$$;

-- A platform admin revokes one operator key; as for disabling, the time or null.
create function pmo.platform_revoke_operator_key(p_operator uuid, p_key text)
returns table (operator_id uuid, revoked_at timestamptz)
language plpgsql security definer set search_path = pg_catalog, public as $$
#variable_conflict use_column
begin
    if not exists (select from public.operators o where o.id = p_operator and o.role = 'platform_admin'
                   and o.disabled_at is null) then
        return;
    end if;
    return query
    update public.operator_keys k set revoked_at = coalesce(k.revoked_at, now()) where k.public_id = p_key
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
    from public.platform_audit_events e
    where (v_role = 'platform_admin' or e.operator_id = p_operator or e.subject_tenant_id = any (v_mine))
      and (p_tenant is null or e.subject_tenant_id = p_tenant)
      and e.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
    order by e.id limit p_limit;
end
$$;

grant execute on function pmo.operator_tenants(uuid, uuid, uuid, bigint),
    pmo.platform_create_tenant(uuid, uuid, text, text),
    pmo.platform_lock_tenant(uuid, uuid),
    pmo.platform_update_tenant(uuid, uuid, text, text, text),
    pmo.platform_tenant_managers(uuid, uuid[]),
    pmo.platform_assign(uuid, uuid, uuid, boolean),
    pmo.platform_operators(uuid),
    pmo.platform_disable_operator(uuid, uuid),
    pmo.platform_revoke_operator_key(uuid, text),
    pmo.platform_audit_events(uuid, uuid, uuid, bigint) to pmo_app;
