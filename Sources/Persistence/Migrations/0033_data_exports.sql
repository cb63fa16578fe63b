-- A tenant's owner exports the organisation's data through the API (`/v1/exports`): the request is
-- acknowledged at once (queued), a background runner of the server writes the archive (the same
-- NDJSON files and manifest as `pmo-admin tenant export-data`, as one tar) and the owner downloads it.
create table data_exports (
    tenant_id          uuid not null references tenants (id) on delete cascade,
    id                 uuid not null,
    status             text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
    requested_by_type  text not null check (length(requested_by_type) between 1 and 50),
    requested_by_id    text not null check (length(requested_by_id) between 1 and 200),
    -- How many times a runner took the job up (a runner that died leaves it to the next one).
    attempts           integer not null default 0 check (attempts >= 0),
    started_at         timestamptz,
    completed_at       timestamptz,
    table_count        integer check (table_count >= 0),
    row_count          bigint check (row_count >= 0),
    size_bytes         bigint check (size_bytes >= 0),
    sha256             text check (sha256 ~ '^[0-9a-f]{64}$'),
    failure            text check (length(failure) between 1 and 500),
    -- The tar itself. Left out of later exports (they would otherwise nest every earlier archive).
    archive            bytea,
    version            bigint not null default 1,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    primary key (tenant_id, id),
    check ((status = 'succeeded') = (archive is not null and sha256 is not null and completed_at is not null)),
    check ((status = 'failed') = (failure is not null))
);
-- One export at a time per tenant: a second is refused while one is queued or running.
create unique index data_exports_one_pending on data_exports (tenant_id) where status in ('queued', 'running');
select pmo.isolate_by_tenant('data_exports');
grant select, insert, update on data_exports to pmo_app;

-- The exports waiting for a runner, across tenants: written in the requesting tenant's transaction
-- (so an acknowledged export is never lost), removed once its export succeeded or failed for good.
-- A runner claims one for a while (`claimed_until`); a claim that lapsed (its runner died with the
-- process) is taken up by the next runner. In schema pmo, so on Citus it stays a table of the
-- coordinator that every runner can poll without reading every shard; it is never joined.
create table pmo.data_export_queue (
    tenant_id      uuid not null,
    export_id      uuid not null,
    queued_at      timestamptz not null,
    claimed_until  timestamptz,
    primary key (tenant_id, export_id)
);
create index data_export_queue_next on pmo.data_export_queue (queued_at);
grant select, insert, update, delete on pmo.data_export_queue to pmo_app;
