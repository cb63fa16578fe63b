-- Work items (the WBS, DOMAIN.md §3) and the dependencies between them.
--
-- The tree is kept twice: `parent_id` (what clients see; a foreign key keeps a parent in the same
-- project) and `path`, the ids from the root down to the item joined by '/', so a subtree is one
-- index range (`path = p or path like p || '/%'`) and moving a subtree is one update of the paths
-- that start with the old one.
create table work_items (
    tenant_id         uuid not null references tenants (id) on delete cascade,
    id                uuid not null,
    project_id        uuid not null,
    parent_id         uuid,
    path              text not null,
    kind              text not null check (kind in ('deliverable', 'work_package', 'task', 'milestone', 'story', 'bug')),
    title             text not null check (length(title) between 1 and 500),
    description       text check (length(description) between 1 and 20000),
    status            text not null check (status in ('not_started', 'in_progress', 'blocked', 'done', 'cancelled')),
    planned_start     date,
    planned_finish    date,
    duration_days     integer check (duration_days between 0 and 100000),
    estimate_hours    numeric(9, 2) check (estimate_hours >= 0),
    story_points      integer check (story_points between 0 and 1000),
    budgeted_cost     bigint not null default 0 check (budgeted_cost between 0 and 10000000000000),
    percent_complete  smallint not null default 0 check (percent_complete between 0 and 100),
    assignee_id       uuid,
    version           bigint not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, project_id, id),
    foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade,
    foreign key (tenant_id, project_id, parent_id) references work_items (tenant_id, project_id, id),
    foreign key (tenant_id, assignee_id) references members (tenant_id, id),
    check (planned_finish is null or planned_start is null or planned_finish >= planned_start),
    -- rule: a milestone has zero duration.
    check (kind <> 'milestone' or (coalesce(duration_days, 0) = 0
                                   and (planned_start is null or planned_finish is null or planned_start = planned_finish)))
);
create index work_items_project_idx on work_items (tenant_id, project_id, id);
create index work_items_path_idx on work_items (tenant_id, project_id, path text_pattern_ops);
create index work_items_parent_idx on work_items (tenant_id, parent_id) where parent_id is not null;

-- predecessor → successor, FS/SS/FF/SF with a lag in working days (negative: a lead). Both items are
-- in the tenant; they may be in different projects.
create table work_item_dependencies (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    id              uuid not null,
    predecessor_id  uuid not null,
    successor_id    uuid not null,
    type            text not null check (type in ('FS', 'SS', 'FF', 'SF')),
    lag_days        integer not null default 0 check (lag_days between -3650 and 3650),
    created_at      timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, predecessor_id, successor_id),
    check (predecessor_id <> successor_id),
    foreign key (tenant_id, predecessor_id) references work_items (tenant_id, id) on delete cascade,
    foreign key (tenant_id, successor_id) references work_items (tenant_id, id) on delete cascade
);
create index work_item_dependencies_successor_idx on work_item_dependencies (tenant_id, successor_id);

do $$
declare
    t text;
begin
    foreach t in array array['work_items', 'work_item_dependencies'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;
grant select, insert, update, delete on work_items to pmo_app;
-- A dependency is added or removed, never changed.
grant select, insert, delete on work_item_dependencies to pmo_app;
