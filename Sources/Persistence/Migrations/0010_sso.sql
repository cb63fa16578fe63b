-- Tenant SSO (OIDC): a tenant's owner names an identity provider (issuer), the audience its tokens
-- are made for, its signing keys (a JWKS URL or an inline JWKS document) and the claim that holds a
-- member's e-mail. A bearer token from that provider for an active member acts with the member's role.
create table sso_configs (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null,
    issuer       text not null check (length(issuer) between 1 and 2048),
    audience     text not null check (length(audience) between 1 and 2048),
    jwks_url     text check (length(jwks_url) between 1 and 2048),
    jwks         jsonb,
    email_claim  text not null check (length(email_claim) between 1 and 100),
    version      bigint not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    -- One configuration per tenant.
    unique (tenant_id),
    check ((jwks_url is null) <> (jwks is null))
);

alter table sso_configs enable row level security;
alter table sso_configs force row level security;
create policy tenant_isolation on sso_configs using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());
grant select, insert, update, delete on sso_configs to pmo_app;

-- A token names its issuer and audience before anything else is known: together they must find one
-- tenant. Two tenants may trust one provider with different audiences (client ids). Platform-level
-- routing like api_key_directory (a reference table on Citus), written and read only through the
-- functions below.
create table sso_directory (
    issuer     text not null,
    audience   text not null,
    tenant_id  uuid not null unique references tenants (id) on delete cascade,
    primary key (issuer, audience)
);

-- The current tenant now trusts this issuer for this audience (instead of what it trusted before);
-- a unique violation when another tenant does already.
create function pmo.claim_sso_issuer(p_issuer text, p_audience text) returns void
language plpgsql volatile security definer as $$
begin
    delete from public.sso_directory where tenant_id = pmo.current_tenant();
    insert into public.sso_directory (issuer, audience, tenant_id) values (p_issuer, p_audience, pmo.current_tenant());
end
$$;

create function pmo.release_sso_issuer() returns void
language sql volatile security definer as $$
    delete from public.sso_directory where tenant_id = pmo.current_tenant()
$$;

-- The configuration a presented token's issuer and audiences select, before any tenant is set (the
-- server verifies the token's signature with its keys next). Zero rows: no tenant trusts this
-- provider for these audiences; more than one row: the token is ambiguous and is refused.
create function pmo.sso_config_for(p_issuer text, p_audiences text[])
returns table (tenant_id uuid, version bigint, audience text, jwks_url text, jwks text, email_claim text)
language sql stable security definer as $$
    select c.tenant_id, c.version, c.audience, c.jwks_url, c.jwks::text, c.email_claim
    from public.sso_directory d
    join public.sso_configs c on c.tenant_id = d.tenant_id
    where d.issuer = p_issuer and d.audience = any (p_audiences)
    limit 2
$$;
grant execute on function pmo.claim_sso_issuer(text, text), pmo.release_sso_issuer(),
    pmo.sso_config_for(text, text[]) to pmo_app;

-- A third form of caller for the request's first statement (see 0006): a member signed in through
-- their tenant's identity provider, 'member:<tenant id>:<sso config version>:<e-mail>'. The server has
-- verified the token against that version of the configuration; a configuration changed or removed
-- since, or a member who is not active, reads as revoked. The member's role travels in `scopes`
-- (the server maps roles to scopes: Domain.Role).
create or replace function pmo.begin_key_request(p_public_id text)
returns table (tenant_id uuid, key_id uuid, secret_hash bytea, scopes text[], expires_at timestamptz,
               revoked_at timestamptz, tenant_status text)
language plpgsql volatile security definer as $$
declare
    v_tenant uuid;
    v_client uuid;
    v_key uuid;
    v_rest text;
    v_version text;
begin
    if left(p_public_id, 7) = 'member:' then
        v_rest := substr(p_public_id, 8);
        v_tenant := split_part(v_rest, ':', 1)::uuid;
        v_version := split_part(v_rest, ':', 2);
        perform pmo.set_tenant(v_tenant);
        return query
            select m.tenant_id, m.id, ''::bytea, array[m.role], null::timestamptz,
                   case when m.status <> 'active' or s.version is distinct from v_version::bigint then now() end,
                   t.status
            from public.members m
            join public.tenants t on t.id = m.tenant_id
            left join public.sso_configs s on s.tenant_id = m.tenant_id
            where m.tenant_id = v_tenant
              and m.email = substr(v_rest, length(split_part(v_rest, ':', 1)) + length(v_version) + 3);
        return;
    end if;
    if left(p_public_id, 7) = 'client:' then
        v_tenant := split_part(p_public_id, ':', 2)::uuid;
        v_client := split_part(p_public_id, ':', 3)::uuid;
        v_key := split_part(p_public_id, ':', 4)::uuid;
        perform pmo.set_tenant(v_tenant);
        return query
            select c.tenant_id, c.id, ''::bytea, c.scopes, k.expires_at,
                   coalesce(c.disabled_at, k.revoked_at, case when k.id is null then now() end), t.status
            from public.api_clients c
            join public.tenants t on t.id = c.tenant_id
            left join public.api_keys k on k.tenant_id = c.tenant_id and k.id = v_key and k.client_id = c.id
            where c.tenant_id = v_tenant and c.id = v_client;
        return;
    end if;
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
