-- Baselines (immutable snapshots of a project's plan) and actuals (cost and time booked).

-- A baseline and its items are written once and never changed: the app role may insert and read
-- them, nothing else (deleting the project still removes them, through the foreign keys).
create table baselines (
    tenant_id             uuid not null references tenants (id) on delete cascade,
    id                    uuid not null,
    project_id            uuid not null,
    name                  text not null check (length(name) between 1 and 200),
    planned_start         date,
    planned_finish        date,
    budget_at_completion  bigint not null,
    created_at            timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, project_id, name),
    foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade
);

-- What each work item planned when the baseline was taken (items deleted since stay here).
create table baseline_items (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null,
    baseline_id     uuid not null,
    work_item_id    uuid not null,
    title           text not null,
    planned_start   date,
    planned_finish  date,
    duration_days   integer,
    budgeted_cost   bigint not null,
    primary key (tenant_id, id),
    unique (tenant_id, baseline_id, work_item_id),
    foreign key (tenant_id, baseline_id) references baselines (tenant_id, id) on delete cascade
);

-- Actual cost and time: booked on a project (optionally one of its work items) for a day, by a
-- person (a member) or not (an invoice). A weekly timesheet is a person's entries of one ISO week.
create table cost_entries (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null,
    project_id    uuid not null,
    work_item_id  uuid,
    member_id     uuid,
    entry_date    date not null,
    hours         numeric(6, 2) check (hours > 0 and hours <= 24),
    amount        bigint not null check (amount between -1000000000000 and 1000000000000),
    description   text check (length(description) between 1 and 2000),
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade,
    -- A work item with actuals booked on it cannot be deleted (the API answers 409).
    foreign key (tenant_id, project_id, work_item_id) references work_items (tenant_id, project_id, id),
    foreign key (tenant_id, member_id) references members (tenant_id, id),
    check (hours is not null or amount <> 0)
);
create index cost_entries_project_idx on cost_entries (tenant_id, project_id, entry_date, id);
-- Whether a work item has actuals (before it may be deleted) is an index read.
create index cost_entries_work_item_idx on cost_entries (tenant_id, work_item_id) where work_item_id is not null;
create index cost_entries_member_idx on cost_entries (tenant_id, member_id, entry_date) where member_id is not null;

do $$
declare
    t text;
begin
    foreach t in array array['baselines', 'baseline_items', 'cost_entries'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;
grant select, insert on baselines, baseline_items to pmo_app;
grant select, insert, delete on cost_entries to pmo_app;
