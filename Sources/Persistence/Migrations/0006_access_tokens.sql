-- OAuth2 client credentials (RFC 6749 §4.4): signed access tokens for API clients.
--
-- Signing keys are platform-wide (Ed25519, kid = key id). The newest one signs; older ones keep
-- verifying until retire_after (set by `pmo-admin signing-key rotate` past the last token they can
-- have signed), and are published at /.well-known/jwks.json until then.
create table signing_keys (
    kid           text primary key,
    algorithm     text not null check (algorithm = 'EdDSA'),
    public_key    bytea not null check (length(public_key) = 32),
    private_key   bytea not null check (length(private_key) = 32),
    created_at    timestamptz not null default now(),
    retire_after  timestamptz
);

-- An access token's requests: the server has verified the token's signature and expiry, and the
-- statement that starts the request then sets the token's tenant and reads its client and the key
-- that obtained it, so a disabled client's tokens, and tokens of a revoked or expired key, are
-- refused on their next request; a disabled client's keys read as revoked too. `p_public_id` is
-- either a key's public id (as in 0001) or 'client:<tenant id>:<client id>:<key id>' (no public id contains ':').
create or replace function pmo.begin_key_request(p_public_id text)
returns table (tenant_id uuid, key_id uuid, secret_hash bytea, scopes text[], expires_at timestamptz,
               revoked_at timestamptz, tenant_status text)
language plpgsql volatile security definer as $$
declare
    v_tenant uuid;
    v_client uuid;
    v_key uuid;
begin
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

-- Requests made with an access token are audited as their API client.
alter table audit_events drop constraint audit_events_actor_type_check;
alter table audit_events add constraint audit_events_actor_type_check
    check (actor_type in ('api_key', 'operator', 'member', 'system', 'api_client'));

grant select, insert on signing_keys to pmo_app;
