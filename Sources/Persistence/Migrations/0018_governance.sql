-- Governance of contractual obligations (docs/DOMAIN.md §5): contracts, their obligations with
-- versioned terms, measurements per period, and the breaches that measurements (or late
-- deliverables) cause.
create table contracts (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null,
    code            text not null check (length(code) between 1 and 50),
    name            text not null check (length(name) between 1 and 200),
    client_party    text not null check (length(client_party) between 1 and 200),
    service         text not null check (length(service) between 1 and 200),
    start_date      date not null,
    end_date        date,
    monthly_fee     bigint not null check (monthly_fee between 0 and 10000000000000),
    currency        text not null check (currency ~ '^[A-Z]{3}$'),
    -- Hundredths of a percent of the monthly fee (1200 = 12 %).
    credit_cap_bp   integer not null check (credit_cap_bp between 0 and 10000),
    version         bigint not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, code),
    check (end_date is null or end_date >= start_date)
);

create table obligations (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null,
    contract_id   uuid not null,
    name          text not null check (length(name) between 1 and 200),
    kind          text not null check (kind in ('service_level', 'kpi', 'deliverable', 'reporting', 'compliance')),
    metric        text not null check (length(metric) between 1 and 200),
    unit          text check (length(unit) between 1 and 50),
    period        text not null check (period in ('daily', 'weekly', 'monthly')),
    -- Deliverables only: met by delivering on or before the due date.
    due_date      date,
    delivered_on  date,
    version       bigint not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, contract_id, name),
    foreign key (tenant_id, contract_id) references contracts (tenant_id, id),
    check ((kind = 'deliverable') = (due_date is not null)),
    check (kind = 'deliverable' or delivered_on is null)
);
create index obligations_contract_idx on obligations (tenant_id, contract_id, id);
create index obligations_due_idx on obligations (tenant_id, due_date) where kind = 'deliverable' and delivered_on is null;

-- Terms are versioned: each row applies from effective_from (0001-01-01 for the original terms) until
-- the next row. Rows are only added, or replaced from a period that has no measurement yet, so a
-- recorded period's compliance is never rewritten.
create table obligation_terms (
    tenant_id          uuid not null,
    obligation_id      uuid not null,
    effective_from     date not null,
    comparator         text check (comparator in ('>=', '<=')),
    threshold          double precision check (threshold between -1e15 and 1e15),
    credit_bp          integer not null check (credit_bp between 0 and 10000),
    earn_back_periods  integer check (earn_back_periods between 1 and 24),
    created_at         timestamptz not null default now(),
    primary key (tenant_id, obligation_id, effective_from),
    foreign key (tenant_id, obligation_id) references obligations (tenant_id, id) on delete cascade,
    check ((comparator is null) = (threshold is null))
);

-- One value per obligation and period; `met` is decided on write under the period's terms.
create table measurements (
    tenant_id      uuid not null,
    id             uuid not null,
    obligation_id  uuid not null,
    period_start   date not null,
    period_end     date not null,
    value          double precision not null check (value between -1e15 and 1e15),
    met            boolean not null,
    version        bigint not null default 1,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (tenant_id, obligation_id, period_start),
    unique (tenant_id, id),
    foreign key (tenant_id, obligation_id) references obligations (tenant_id, id),
    check (period_end >= period_start)
);

-- Every value a period has had, in order: the trail behind a corrected measurement.
create table measurement_revisions (
    tenant_id      uuid not null,
    obligation_id  uuid not null,
    period_start   date not null,
    revision       bigint not null,
    value          double precision not null,
    met            boolean not null,
    request_id     text,
    recorded_at    timestamptz not null default now(),
    primary key (tenant_id, obligation_id, period_start, revision),
    foreign key (tenant_id, obligation_id, period_start) references measurements (tenant_id, obligation_id, period_start)
        on delete cascade
);

-- At most one breach per obligation and period. The terms it was judged by are copied in, so the
-- breach reads the same after later term changes.
create table breaches (
    tenant_id          uuid not null,
    id                 uuid not null,
    contract_id        uuid not null,
    obligation_id      uuid not null,
    period_start       date not null,
    period_end         date not null,
    -- First day of the month whose service credits count this breach (the month the period ends in).
    credit_month       date not null,
    value              double precision,
    comparator         text check (comparator in ('>=', '<=')),
    threshold          double precision,
    credit_bp          integer not null check (credit_bp between 0 and 10000),
    earn_back_periods  integer check (earn_back_periods between 1 and 24),
    status             text not null default 'open' check (status in ('open', 'waived', 'credited')),
    decision_reference text check (length(decision_reference) between 1 and 200),
    reason             text check (length(reason) between 1 and 2000),
    credit_reference   text check (length(credit_reference) between 1 and 200),
    version            bigint not null default 1,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, obligation_id, period_start),
    foreign key (tenant_id, obligation_id) references obligations (tenant_id, id),
    foreign key (tenant_id, contract_id) references contracts (tenant_id, id),
    check (status <> 'waived' or (decision_reference is not null and reason is not null))
);
create index breaches_contract_idx on breaches (tenant_id, contract_id, id);
create index breaches_month_idx on breaches (tenant_id, credit_month, id);
create index breaches_status_idx on breaches (tenant_id, status, id);

do $$
declare t text;
begin
    foreach t in array array['contracts', 'obligations', 'obligation_terms', 'measurements', 'measurement_revisions', 'breaches'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;

grant select, insert, update, delete on contracts, obligations, breaches to pmo_app;
grant select, insert, delete on obligation_terms to pmo_app;
grant select, insert, update on measurements to pmo_app;
grant select, insert on measurement_revisions to pmo_app;

-- The tenants with a deliverable past its due date, undelivered and not yet breached: the daily
-- check opens their breaches tenant by tenant (each in a transaction for that tenant).
create function pmo.tenants_with_overdue_deliverables(p_day date) returns setof uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select distinct o.tenant_id from public.obligations o
    where o.kind = 'deliverable' and o.delivered_on is null and o.due_date < p_day
      and not exists (select 1 from public.breaches b
                      where b.tenant_id = o.tenant_id and b.obligation_id = o.id)
$$;
revoke execute on function pmo.tenants_with_overdue_deliverables(date) from public;
grant execute on function pmo.tenants_with_overdue_deliverables(date) to pmo_app;
