-- The methodology library (DOMAIN.md §3): templates of phases, milestones, standard work items
-- with offsets and dependencies, and default risk categories. Platform templates (0016 ships four)
-- belong to no tenant and every tenant reads them; a tenant's own templates are its alone.
create table platform_templates (
    id           uuid primary key,
    name         text not null unique,
    description  text not null,
    methodology  text not null check (methodology in ('predictive', 'agile', 'hybrid')),
    content      jsonb not null,
    created_at   timestamptz not null default now()
);
grant select on platform_templates to pmo_app;

create table templates (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null,
    name         text not null check (length(name) between 1 and 200),
    description  text check (length(description) between 1 and 10000),
    methodology  text not null check (methodology in ('predictive', 'agile', 'hybrid')),
    content      jsonb not null,
    created_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name)
);
alter table templates enable row level security;
alter table templates force row level security;
create policy tenant_isolation on templates using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());
grant select, insert, delete on templates to pmo_app;
