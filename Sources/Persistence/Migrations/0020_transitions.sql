-- Transitions (docs/DOMAIN.md §6): a service moving between parties or sites, its stages
-- (from the platform's template, then its own) and the readiness criteria of each stage's exit gate.
create table transitions (
    tenant_id        uuid not null references tenants (id) on delete cascade,
    id               uuid not null,
    name             text not null check (length(name) between 1 and 200),
    type             text not null check (type in ('insourcing', 'outsourcing', 'vendor_to_vendor', 'site_to_site')),
    scope            text not null check (length(scope) between 1 and 10000),
    from_party       text not null check (length(from_party) between 1 and 200),
    to_party         text not null check (length(to_party) between 1 and 200),
    planned_go_live  date not null,
    contract_id      uuid,
    version          bigint not null default 1,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name),
    foreign key (tenant_id, contract_id) references contracts (tenant_id, id)
);

create table transition_stages (
    tenant_id         uuid not null,
    id                uuid not null,
    transition_id     uuid not null,
    key               text not null check (key in ('due_diligence', 'knowledge_transfer', 'shadow', 'reverse_shadow',
                                                   'cutover', 'hypercare', 'steady_state')),
    name              text not null check (length(name) between 1 and 200),
    position          integer not null,
    planned_start     date not null,
    planned_end       date not null,
    -- The latest gate decision (every decision is in the audit log).
    gate_decision     text check (gate_decision in ('go', 'no_go')),
    gate_decided_at   timestamptz,
    gate_decided_by   uuid,
    gate_notes        text check (length(gate_notes) between 1 and 2000),
    version           bigint not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, transition_id, id),
    unique (tenant_id, transition_id, key),
    foreign key (tenant_id, transition_id) references transitions (tenant_id, id) on delete cascade,
    foreign key (tenant_id, gate_decided_by) references members (tenant_id, id),
    check (planned_end >= planned_start),
    check ((gate_decision is null) = (gate_decided_at is null))
);

create table readiness_criteria (
    tenant_id      uuid not null,
    id             uuid not null,
    transition_id  uuid not null,
    stage_id       uuid not null,
    title          text not null check (length(title) between 1 and 200),
    mandatory      boolean not null,
    evidence_url   text check (length(evidence_url) between 1 and 2000),
    signed_off_by  uuid,
    signed_off_at  timestamptz,
    version        bigint not null default 1,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, transition_id, stage_id) references transition_stages (tenant_id, transition_id, id)
        on delete cascade,
    foreign key (tenant_id, signed_off_by) references members (tenant_id, id),
    check ((signed_off_by is null) = (signed_off_at is null))
);
create index readiness_criteria_stage_idx on readiness_criteria (tenant_id, stage_id, id);
create index readiness_criteria_transition_idx on readiness_criteria (tenant_id, transition_id);

do $$
declare t text;
begin
    foreach t in array array['transitions', 'transition_stages', 'readiness_criteria'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format(
            'create policy tenant_isolation on %I using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
            t);
    end loop;
end
$$;
grant select, insert, update, delete on transitions, transition_stages, readiness_criteria to pmo_app;
