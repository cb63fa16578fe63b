-- Custom fields (docs/DOMAIN.md §3): an organisation's own fields on projects and work items. Values live
-- with the resource (`custom_fields`, a JSON object by key; projects' column is added in 0011) and are
-- filtered by containment on a GIN index.
create table custom_field_definitions (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null,
    entity      text not null check (entity in ('project', 'work_item')),
    key         text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label       text not null check (length(label) between 1 and 200),
    type        text not null check (type in ('text', 'number', 'date', 'enum', 'user')),
    options     text[] not null default '{}' check (cardinality(options) <= 100),
    version     bigint not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, entity, key),
    check ((type = 'enum') = (cardinality(options) > 0))
);
alter table custom_field_definitions enable row level security;
alter table custom_field_definitions force row level security;
create policy tenant_isolation on custom_field_definitions using (tenant_id = pmo.current_tenant())
    with check (tenant_id = pmo.current_tenant());
grant select, insert, update, delete on custom_field_definitions to pmo_app;

alter table work_items add column custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object');
create index work_items_custom_fields_idx on work_items using gin (custom_fields jsonb_path_ops);
