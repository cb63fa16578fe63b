-- API clients (service accounts, DOMAIN.md §2): a machine identity with a scope set and several keys,
-- so a key can be rotated (create the new one, then revoke the old). Disabling a client stops every
-- one of its keys at once, and enabling it again restores them: the request path reads the client's
-- state in the same statement that finds the key.

create table api_clients (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null,
    name         text not null check (length(name) between 1 and 200),
    scopes       text[] not null,
    status       text not null check (status in ('active', 'disabled')),
    disabled_at  timestamptz,
    version      bigint not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name),
    check ((status = 'disabled') = (disabled_at is not null))
);

alter table api_clients enable row level security;
alter table api_clients force row level security;
create policy tenant_isolation on api_clients using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());

alter table api_keys add column client_id uuid;
alter table api_keys add constraint api_keys_client_fk
    foreign key (tenant_id, client_id) references api_clients (tenant_id, id) on delete cascade;
alter table api_keys add constraint api_keys_one_owner check (member_id is null or client_id is null);
create index api_keys_client_idx on api_keys (tenant_id, client_id) where client_id is not null;

-- As in 0001, and a disabled client's keys read as revoked (from the time it was disabled).
create or replace function pmo.begin_key_request(p_public_id text)
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
        select k.tenant_id, k.id, k.secret_hash, k.scopes, k.expires_at, coalesce(k.revoked_at, c.disabled_at),
               t.status
        from public.api_keys k
        join public.tenants t on t.id = k.tenant_id
        left join public.api_clients c on c.tenant_id = k.tenant_id and c.id = k.client_id
        where k.tenant_id = v_tenant and k.public_id = p_public_id;
end
$$;

grant select, insert, update on api_clients to pmo_app;
