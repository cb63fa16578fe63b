-- Members of a tenant (DOMAIN.md §2), their invitations and personal access tokens.
--
-- A member has one role (a named scope set, defined in Swift: Domain.Role). Personal access tokens
-- are API keys that belong to a member (api_keys.member_id); their scopes never exceed the member's
-- role: changing the role narrows them and deactivating the member revokes them, in the same
-- transaction, so the request path (pmo.begin_key_request) stays unchanged.

create table members (
    tenant_id              uuid not null references tenants (id) on delete cascade,
    id                     uuid not null,
    email                  text not null check (email = lower(email) and length(email) between 3 and 254
                                                and email ~ '^[!-?A-~]+@[!-?A-~]+$'),
    name                   text check (length(name) between 1 and 200),
    role                   text not null check (role in ('owner', 'pmo_admin', 'project_manager', 'contributor',
                                                         'viewer', 'auditor')),
    status                 text not null check (status in ('invited', 'active', 'deactivated')),
    -- The invitation: its public id (for the directory) and the SHA-256 of its secret; cleared once used.
    invitation_public_id   text,
    invitation_hash        bytea,
    invitation_expires_at  timestamptz,
    activated_at           timestamptz,
    deactivated_at         timestamptz,
    version                bigint not null default 1,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, email),
    -- Unique per tenant (distributable by tenant); the directory's primary key makes it unique overall.
    unique (tenant_id, invitation_public_id),
    check ((invitation_public_id is null) = (invitation_hash is null))
);
-- "Is this the last active owner?" reads only the owners.
create index members_active_owners_idx on members (tenant_id) where role = 'owner' and status = 'active';

-- Where an invitation's public id lives, so accepting it can find the tenant before any tenant is set
-- (the invitee has no credential yet). Read only by pmo.begin_invitation, like api_key_directory.
create table invitation_directory (
    public_id  text primary key,
    tenant_id  uuid not null references tenants (id) on delete cascade
);

alter table api_keys add column member_id uuid;
alter table api_keys add constraint api_keys_member_fk
    foreign key (tenant_id, member_id) references members (tenant_id, id) on delete cascade;
create index api_keys_member_idx on api_keys (tenant_id, member_id) where member_id is not null;

-- Invitations are accepted by the invitee themself.
alter table audit_events drop constraint audit_events_actor_type_check;
alter table audit_events add constraint audit_events_actor_type_check
    check (actor_type in ('api_key', 'operator', 'member'));

alter table members enable row level security;
alter table members force row level security;
create policy tenant_isolation on members using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());

-- Starts the transaction that accepts an invitation: finds the invitation's tenant, sets it, and
-- returns the invited member (the server compares the secret's hash in constant time). Zero rows:
-- no such invitation (or already used: its directory entry is deleted on use).
create function pmo.begin_invitation(p_public_id text)
returns table (tenant_id uuid, member_id uuid, invitation_hash bytea, invitation_expires_at timestamptz,
               member_status text, tenant_status text)
language plpgsql volatile security definer as $$
declare
    v_tenant uuid;
begin
    select d.tenant_id into v_tenant from public.invitation_directory d where d.public_id = p_public_id;
    if v_tenant is null then
        return;
    end if;
    perform pmo.set_tenant(v_tenant);
    return query
        select m.tenant_id, m.id, m.invitation_hash, m.invitation_expires_at, m.status, t.status
        from public.members m join public.tenants t on t.id = m.tenant_id
        where m.tenant_id = v_tenant and m.invitation_public_id = p_public_id;
end
$$;

-- Directory entries for the app role: it may add a key's or an invitation's entry for the tenant it
-- works for, and remove an invitation's entry once used, but never read either directory.
create function pmo.register_key(p_public_id text) returns void
language sql volatile security definer as $$
    insert into public.api_key_directory (public_id, tenant_id) values (p_public_id, pmo.current_tenant())
$$;

create function pmo.register_invitation(p_public_id text) returns void
language sql volatile security definer as $$
    insert into public.invitation_directory (public_id, tenant_id) values (p_public_id, pmo.current_tenant())
$$;

create function pmo.forget_invitation(p_public_id text) returns void
language sql volatile security definer as $$
    delete from public.invitation_directory where public_id = p_public_id and tenant_id = pmo.current_tenant()
$$;

grant execute on all functions in schema pmo to pmo_app;
grant select, insert, update on members to pmo_app;
grant insert on api_keys to pmo_app;
grant update (scopes, revoked_at) on api_keys to pmo_app;
