-- Operators signed in to the web console (`/console`). A session is made by presenting an operator
-- key and lasts until it expires or its operator signs out; it is refused as soon as the key it was
-- made with is revoked or its operator disabled (checked on every request). Only the SHA-256 of
-- the session's secret is stored, as for keys. Forms carry the session's CSRF token. In schema pmo,
-- so on Citus it stays a table of the coordinator, like the operators' other platform records.
create table pmo.console_sessions (
    public_id             text primary key check (public_id ~ '^[a-z2-7]{12}$'),
    secret_hash           bytea not null,
    operator_id           uuid not null,
    operator_key_id       text not null,
    csrf_token            text not null check (length(csrf_token) >= 32),
    created_at            timestamptz not null,
    expires_at            timestamptz not null,
    signed_out_at         timestamptz,
    check (expires_at > created_at)
);
create index console_sessions_operator on pmo.console_sessions (operator_id);
grant select, insert, update (signed_out_at) on pmo.console_sessions to pmo_app;
