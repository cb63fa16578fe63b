-- Functions as Citus needs them (docs/ARCHITECTURE.md, "Citus-ready queries").
--
-- The SQL-language functions below become PL/pgSQL, with the same signatures, results and attributes
-- (grants stay: `create or replace` keeps them). Citus cannot plan a SQL-language function with
-- parameters that reads one of its tables (it refuses the parameterised query it becomes); a
-- PL/pgSQL function runs each statement with the parameters' values, which Citus routes. The purge,
-- a data-modifying CTE across every tenant's shard, becomes a delete and a row count for the same reason.

create or replace function pmo.purge_idempotency_keys() returns bigint
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    purged bigint;
begin
    delete from public.idempotency_keys where created_at < now() - interval '24 hours';
    get diagnostics purged = row_count;
    return purged;
end
$$;

-- A key no longer refers to its directory entry by a foreign key. On Citus the entry (a reference
-- table, written by pmo.register_key as the owner) and the key (a tenant table, written by the app role)
-- go over two connections to a worker, and the key's foreign key cannot see the entry the other
-- connection has not committed yet. Both are written in one transaction by APIKeyStore.insert, and
-- nothing deletes an entry but its tenant's deletion, which deletes the tenant's keys too.
alter table api_keys drop constraint api_keys_public_id_fkey;

create or replace function pmo.register_key(p_public_id text) returns void
language plpgsql volatile security definer as $$
begin
    insert into public.api_key_directory (public_id, tenant_id) values (p_public_id, pmo.current_tenant());
end
$$;

create or replace function pmo.register_invitation(p_public_id text) returns void
language plpgsql volatile security definer as $$
begin
    insert into public.invitation_directory (public_id, tenant_id) values (p_public_id, pmo.current_tenant());
end
$$;

create or replace function pmo.forget_invitation(p_public_id text) returns void
language plpgsql volatile security definer as $$
begin
    delete from public.invitation_directory where public_id = p_public_id and tenant_id = pmo.current_tenant();
end
$$;

create or replace function pmo.begin_operator_request(p_public_id text)
returns table (operator_id uuid, secret_hash bytea, role text, revoked_at timestamptz, disabled_at timestamptz)
language plpgsql stable security definer as $$
#variable_conflict use_column
begin
    return query
    select o.id, k.secret_hash, o.role, k.revoked_at, o.disabled_at
    from public.operator_keys k join public.operators o on o.id = k.operator_id
    where k.public_id = p_public_id;
end
$$;

-- The assignment check is a subquery of its own (Citus refuses a correlated subquery beside a
-- reference table).
create or replace function pmo.operator_tenants(p_operator uuid, p_id uuid, p_after uuid, p_limit bigint)
returns table (id uuid, slug text, name text, plan text, status text, created_at timestamptz, updated_at timestamptz)
language plpgsql stable security definer as $$
#variable_conflict use_column
begin
    return query
    select t.id, t.slug, t.name, t.plan, t.status, t.created_at, t.updated_at
    from public.tenants t join public.operators o on o.id = p_operator
    where (p_id is null or t.id = p_id) and t.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
      and (o.role = 'platform_admin'
           or t.id in (select a.tenant_id from public.operator_assignments a where a.operator_id = p_operator))
    order by t.id limit p_limit;
end
$$;

create or replace function pmo.release_sso_issuer() returns void
language plpgsql volatile security definer as $$
begin
    delete from public.sso_directory where tenant_id = pmo.current_tenant();
end
$$;

create or replace function pmo.sso_config_for(p_issuer text, p_audiences text[])
returns table (tenant_id uuid, version bigint, audience text, jwks_url text, jwks text, email_claim text)
language plpgsql stable security definer as $$
#variable_conflict use_column
begin
    return query
    select c.tenant_id, c.version, c.audience, c.jwks_url, c.jwks::text, c.email_claim
    from public.sso_directory d
    join public.sso_configs c on c.tenant_id = d.tenant_id
    where d.issuer = p_issuer and d.audience = any (p_audiences)
    limit 2;
end
$$;

create or replace function pmo.tenants_with_overdue_deliverables(p_day date) returns setof uuid
language plpgsql stable security definer set search_path = pg_catalog, public as $$
begin
    return query
    select distinct o.tenant_id from public.obligations o
    where o.kind = 'deliverable' and o.delivered_on is null and o.due_date < p_day
      and not exists (select 1 from public.breaches b
                      where b.tenant_id = o.tenant_id and b.obligation_id = o.id);
end
$$;
