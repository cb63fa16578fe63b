-- Reading the audit log (GET /v1/audit-events): pages in id order, filtered by actor or resource.
-- Each index keeps the id order after its equality columns, so a filtered page reads about a page.
create index audit_events_actor_idx on audit_events (tenant_id, actor_type, actor_id, id);
create index audit_events_resource_idx on audit_events (tenant_id, resource_type, resource_id, id);
create index audit_events_operation_idx on audit_events (tenant_id, operation, id);
