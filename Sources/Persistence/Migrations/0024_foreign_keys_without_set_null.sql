-- Citus refuses `on delete set null (column)` on distributed tables. These four foreign keys now
-- refuse a delete that leaves references behind, and the store that deletes the referenced row clears
-- the references first, in the same transaction (TenantTable.clearReferences): deleting a sprint still
-- puts its items back in the backlog, deleting a meeting or a decision still keeps the decisions and
-- actions that cited it.
alter table work_items drop constraint work_items_sprint_fk;
alter table work_items add constraint work_items_sprint_fk foreign key (tenant_id, project_id, sprint_id)
    references sprints (tenant_id, project_id, id);

alter table decisions drop constraint decisions_tenant_id_meeting_id_fkey;
alter table decisions add constraint decisions_tenant_id_meeting_id_fkey foreign key (tenant_id, meeting_id)
    references meetings (tenant_id, id);

alter table actions drop constraint actions_tenant_id_meeting_id_fkey;
alter table actions add constraint actions_tenant_id_meeting_id_fkey foreign key (tenant_id, meeting_id)
    references meetings (tenant_id, id);

alter table actions drop constraint actions_tenant_id_decision_id_fkey;
alter table actions add constraint actions_tenant_id_decision_id_fkey foreign key (tenant_id, decision_id)
    references decisions (tenant_id, id);
