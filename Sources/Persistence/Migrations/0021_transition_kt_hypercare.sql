-- Knowledge transfer and hypercare of transitions (docs/DOMAIN.md §6): KT sessions per process
-- area with a proficiency score, and hypercare metrics with stabilisation targets and their values
-- per period (steady state needs every metric to have held its target for its number of periods).
create table kt_sessions (
    tenant_id      uuid not null,
    id             uuid not null,
    transition_id  uuid not null,
    topic          text not null check (length(topic) between 1 and 200),
    process_area   text not null check (length(process_area) between 1 and 200),
    expert         text not null check (length(expert) between 1 and 200),
    attendees      text[] not null default '{}' check (cardinality(attendees) <= 100),
    held_on        date not null,
    status         text not null default 'planned' check (status in ('planned', 'held', 'cancelled')),
    proficiency    smallint check (proficiency between 1 and 5),
    version        bigint not null default 1,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, transition_id) references transitions (tenant_id, id) on delete cascade,
    check (proficiency is null or status = 'held')
);
create index kt_sessions_transition_idx on kt_sessions (tenant_id, transition_id, id);

create table hypercare_metrics (
    tenant_id         uuid not null,
    id                uuid not null,
    transition_id     uuid not null,
    name              text not null check (length(name) between 1 and 200),
    comparator        text not null check (comparator in ('>=', '<=')),
    target            double precision not null check (target between -1e15 and 1e15),
    period            text not null check (period in ('daily', 'weekly')),
    required_periods  integer not null check (required_periods between 1 and 52),
    version           bigint not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, transition_id, id),
    unique (tenant_id, transition_id, name),
    foreign key (tenant_id, transition_id) references transitions (tenant_id, id) on delete cascade
);

create table hypercare_values (
    tenant_id     uuid not null,
    metric_id     uuid not null,
    period_start  date not null,
    value         double precision not null check (value between -1e15 and 1e15),
    met           boolean not null,
    version       bigint not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, metric_id, period_start),
    foreign key (tenant_id, metric_id) references hypercare_metrics (tenant_id, id) on delete cascade
);

do $$
declare t text;
begin
    foreach t in array array['kt_sessions', 'hypercare_metrics', 'hypercare_values'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;
grant select, insert, update, delete on kt_sessions, hypercare_metrics, hypercare_values to pmo_app;
