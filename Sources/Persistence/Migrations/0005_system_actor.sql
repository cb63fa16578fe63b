-- The platform itself can be an audit actor: throttling failed authentication with a tenant's key
-- is recorded in that tenant's log, by the mechanism that did it.
alter table audit_events drop constraint audit_events_actor_type_check;
alter table audit_events add constraint audit_events_actor_type_check
    check (actor_type in ('api_key', 'operator', 'member', 'system'));
