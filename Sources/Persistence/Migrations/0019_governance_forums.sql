-- Governance forums (docs/DOMAIN.md §5): forums with a cadence, their meetings (attendees,
-- minutes), the tenant-wide decision log (linked to breaches, meetings and projects) and actions.
create table governance_forums (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null,
    name         text not null check (length(name) between 1 and 200),
    kind         text not null check (kind in ('steering_committee', 'operational_review', 'other')),
    cadence      text not null check (cadence in ('weekly', 'fortnightly', 'monthly', 'quarterly', 'ad_hoc')),
    contract_id  uuid,
    description  text check (length(description) between 1 and 10000),
    version      bigint not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name),
    foreign key (tenant_id, contract_id) references contracts (tenant_id, id)
);

create table meetings (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    id          uuid not null,
    forum_id    uuid not null,
    held_on     date not null,
    attendees   text[] not null default '{}' check (cardinality(attendees) <= 100),
    minutes     text check (length(minutes) between 1 and 100000),
    version     bigint not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, forum_id) references governance_forums (tenant_id, id)
);
create index meetings_forum_idx on meetings (tenant_id, forum_id, id);

-- Links to breaches and projects are arrays (a decision may cite several of each); the ids are
-- checked when written. A withdrawn breach or deleted project leaves the decision's record intact.
create table decisions (
    tenant_id    uuid not null references tenants (id) on delete cascade,
    id           uuid not null,
    title        text not null check (length(title) between 1 and 200),
    decided_on   date not null,
    made_by      text not null check (length(made_by) between 1 and 200),
    rationale    text check (length(rationale) between 1 and 10000),
    meeting_id   uuid,
    breach_ids   uuid[] not null default '{}' check (cardinality(breach_ids) <= 100),
    project_ids  uuid[] not null default '{}' check (cardinality(project_ids) <= 100),
    version      bigint not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, meeting_id) references meetings (tenant_id, id) on delete set null (meeting_id)
);
create index decisions_meeting_idx on decisions (tenant_id, meeting_id, id) where meeting_id is not null;
create index decisions_breaches_idx on decisions using gin (breach_ids);
create index decisions_projects_idx on decisions using gin (project_ids);

create table actions (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null,
    title         text not null check (length(title) between 1 and 200),
    owner_id      uuid not null,
    due_date      date not null,
    status        text not null default 'open' check (status in ('open', 'in_progress', 'done', 'cancelled')),
    meeting_id    uuid,
    decision_id   uuid,
    version       bigint not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, owner_id) references members (tenant_id, id),
    foreign key (tenant_id, meeting_id) references meetings (tenant_id, id) on delete set null (meeting_id),
    foreign key (tenant_id, decision_id) references decisions (tenant_id, id) on delete set null (decision_id)
);
-- Overdue actions: open or in progress, due before today.
create index actions_due_idx on actions (tenant_id, due_date) where status in ('open', 'in_progress');
create index actions_owner_idx on actions (tenant_id, owner_id, id);

do $$
declare t text;
begin
    foreach t in array array['governance_forums', 'meetings', 'decisions', 'actions'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;
grant select, insert, update, delete on governance_forums, meetings, decisions, actions to pmo_app;
