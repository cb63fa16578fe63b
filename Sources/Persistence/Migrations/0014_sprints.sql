-- Agile (DOMAIN.md §3): sprints of a project, the work items planned into them, and the day each
-- item was done (burndown and velocity count points by it).
create table sprints (
    tenant_id         uuid not null references tenants (id) on delete cascade,
    id                uuid not null,
    project_id        uuid not null,
    name              text not null check (length(name) between 1 and 200),
    goal              text check (length(goal) between 1 and 2000),
    start_date        date not null,
    finish_date       date not null,
    committed_points  integer check (committed_points between 0 and 100000),
    version           bigint not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, project_id, id),
    unique (tenant_id, project_id, name),
    foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade,
    check (finish_date >= start_date and finish_date - start_date <= 366)
);
create index sprints_project_idx on sprints (tenant_id, project_id, finish_date);

alter table work_items add column sprint_id uuid;
alter table work_items add column completed_on date;
-- Deleting a sprint puts its items back in the backlog.
alter table work_items add constraint work_items_sprint_fk foreign key (tenant_id, project_id, sprint_id)
    references sprints (tenant_id, project_id, id) on delete set null (sprint_id);
create index work_items_sprint_idx on work_items (tenant_id, sprint_id) where sprint_id is not null;

alter table sprints enable row level security;
alter table sprints force row level security;
create policy tenant_isolation on sprints using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());
grant select, insert, update, delete on sprints to pmo_app;
