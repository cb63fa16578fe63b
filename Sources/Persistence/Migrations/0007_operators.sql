-- Platform operators (DOMAIN.md §1): account managers and platform admins. They work on the
-- platform API (/v1/platform/...) with operator keys, never through the tenant API. Everything here
-- is platform-level (no tenant_id); the app role reads it only through SECURITY DEFINER functions
-- that answer for one authenticated operator.

create table operators (
    id          uuid primary key,
    email       text not null unique check (email = lower(email) and length(email) between 3 and 254
                                            and email ~ '^[!-?A-~]+@[!-?A-~]+$'),
    role        text not null check (role in ('account_manager', 'platform_admin')),
    created_at  timestamptz not null default now(),
    disabled_at timestamptz
);

create table operator_keys (
    public_id    text primary key,
    operator_id  uuid not null references operators (id) on delete cascade,
    secret_hash  bytea not null,
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz
);

-- Which tenants an account manager looks after.
create table operator_assignments (
    operator_id  uuid not null references operators (id) on delete cascade,
    tenant_id    uuid not null references tenants (id) on delete cascade,
    primary key (operator_id, tenant_id)
);

-- It names tenants, so it is protected like every table with tenant_id (the functions below read
-- it as the owner).
alter table operator_assignments enable row level security;
alter table operator_assignments force row level security;
create policy tenant_isolation on operator_assignments using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());

-- Finds an operator key (the server compares the hash in constant time). Zero rows: no such key.
create function pmo.begin_operator_request(p_public_id text)
returns table (operator_id uuid, secret_hash bytea, role text, revoked_at timestamptz, disabled_at timestamptz)
language sql stable security definer as $$
    select o.id, k.secret_hash, o.role, k.revoked_at, o.disabled_at
    from public.operator_keys k join public.operators o on o.id = k.operator_id
    where k.public_id = p_public_id
$$;

-- The tenants an operator may see, in id order after p_after: every tenant for a platform admin,
-- the assigned ones for an account manager. Called after the server authenticated p_operator.
create function pmo.operator_tenants(p_operator uuid, p_id uuid, p_after uuid, p_limit bigint)
returns table (id uuid, slug text, name text, plan text, status text, created_at timestamptz, updated_at timestamptz)
language sql stable security definer as $$
    select t.id, t.slug, t.name, t.plan, t.status, t.created_at, t.updated_at
    from public.tenants t join public.operators o on o.id = p_operator
    where (p_id is null or t.id = p_id) and t.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
      and (o.role = 'platform_admin'
           or exists (select from public.operator_assignments a where a.operator_id = o.id and a.tenant_id = t.id))
    order by t.id limit p_limit
$$;

grant execute on all functions in schema pmo to pmo_app;
