-- Delivery (DOMAIN.md §3): portfolio → programme → project, and the tenant's working calendar.
-- A parent that still has children cannot be deleted (the API answers 409 before the foreign keys'
-- own refusal, which remains the guard against a child added concurrently).
create table portfolios (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null,
    name         text not null check (length(name) between 1 and 200),
    description  text check (length(description) between 1 and 10000),
    version      bigint not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name)
);

-- A programme's workstreams (its targets, e.g. "customer experience", "opex reduction") are part of
-- the programme: [{"name": ..., "description": ...}], names unique within it.
create table programmes (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null,
    portfolio_id  uuid,
    name          text not null check (length(name) between 1 and 200),
    description   text check (length(description) between 1 and 10000),
    workstreams   jsonb not null default '[]' check (jsonb_typeof(workstreams) = 'array'),
    version       bigint not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name),
    foreign key (tenant_id, portfolio_id) references portfolios (tenant_id, id)
);
create index programmes_portfolio_idx on programmes (tenant_id, portfolio_id, id) where portfolio_id is not null;

alter table projects add column programme_id uuid;
-- Values of the organisation's custom fields (0017 defines them): {"key": value}.
alter table projects add column custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object');
create index projects_custom_fields_idx on projects using gin (custom_fields jsonb_path_ops);
alter table projects add constraint projects_programme_fk
    foreign key (tenant_id, programme_id) references programmes (tenant_id, id);
create index projects_programme_idx on projects (tenant_id, programme_id, id) where programme_id is not null;

-- The tenant's working calendar: which ISO weekdays (1 = Monday) are worked, and holidays. Work
-- item durations count working days of it. No row: Monday to Friday, no holidays.
create table calendars (
    tenant_id         uuid not null references tenants (id) on delete cascade,
    id                uuid not null,
    working_weekdays  smallint[] not null check (cardinality(working_weekdays) between 1 and 7
                                                 and working_weekdays <@ array[1, 2, 3, 4, 5, 6, 7]::smallint[]),
    holidays          date[] not null default '{}' check (cardinality(holidays) <= 1000),
    version           bigint not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id)
);

do $$
declare
    t text;
begin
    foreach t in array array['portfolios', 'programmes', 'calendars'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;
grant select, insert, update, delete on portfolios, programmes to pmo_app;
-- The calendar is set, never removed.
grant select, insert, update on calendars to pmo_app;

-- Project reads in one round trip (0001) now carry the programme and custom fields, and lists
-- filter by programme (a custom field filter needs the field definitions first: a transaction).
drop function pmo.keyed_projects(text, uuid, text, text, uuid, bigint);
alter type pmo.keyed_project add attribute programme_id uuid;
alter type pmo.keyed_project add attribute custom_fields text;

create function pmo.keyed_projects(p_public_id text, p_id uuid, p_code text, p_status text, p_after uuid,
                                   p_limit bigint, p_programme uuid)
returns setof pmo.keyed_project language plpgsql volatile as $$
declare
    k record;
    r pmo.keyed_project;
begin
    select * into k from pmo.begin_key_request(p_public_id);
    if not found then
        return;
    end if;
    r := row(k.tenant_id, k.key_id, k.secret_hash, k.scopes, k.expires_at, k.revoked_at, k.tenant_status,
             null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    -- One shape per index, each with its own cached plan.
    if p_id is not null then
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at, p.programme_id,
            p.custom_fields::text
        from public.projects p where p.tenant_id = k.tenant_id and p.id = p_id;
    elsif p_code is not null then
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at, p.programme_id,
            p.custom_fields::text
        from public.projects p where p.tenant_id = k.tenant_id and p.code = p_code;
    elsif p_programme is not null then
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at, p.programme_id,
            p.custom_fields::text
        from public.projects p
        where p.tenant_id = k.tenant_id and p.programme_id = p_programme and p.id > p_after
          and (p_status is null or p.status = p_status)
        order by p.id limit p_limit;
    elsif p_status is not null then
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at, p.programme_id,
            p.custom_fields::text
        from public.projects p
        where p.tenant_id = k.tenant_id and p.status = p_status and p.id > p_after
         
        order by p.id limit p_limit;
    else
        return query select r.key_tenant_id, r.key_id, r.key_secret_hash, r.key_scopes, r.key_expires_at,
            r.key_revoked_at, r.key_tenant_status, p.id, p.code, p.name, p.methodology, p.phase, p.status,
            p.sponsor, p.manager, to_char(p.planned_start, 'YYYY-MM-DD'), to_char(p.planned_finish, 'YYYY-MM-DD'),
            p.budget_at_completion, p.currency, p.version, p.created_at, p.updated_at, p.programme_id,
            p.custom_fields::text
        from public.projects p
        where p.tenant_id = k.tenant_id and p.id > p_after
        order by p.id limit p_limit;
    end if;
    if not found then
        return next r;  -- the key alone, so the caller can still authenticate
    end if;
end
$$;
grant execute on function pmo.keyed_projects(text, uuid, text, text, uuid, bigint, uuid) to pmo_app;
