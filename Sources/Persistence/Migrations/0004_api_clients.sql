-- API clients (service accounts, DOMAIN.md §2): a machine identity with a scope set and several keys,
-- so a key can be rotated (create the new one, then revoke the old). Disabling a client stops every
-- one of its keys at once, and enabling it again restores them: the request path reads the client's
-- state in the same statement that finds the key (pmo.begin_key_request, redefined in 0006).

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

grant select, insert, update on api_clients to pmo_app;
