-- Audit events say from where (DOMAIN.md §2): the client's address as the server saw it (the socket
-- peer; behind a proxy, the proxy). Null for the admin CLI and for events written before this.
alter table audit_events add column client_address text check (length(client_address) <= 100);
