-- What pmo-server sends for GET /v1/projects/{id}: one keyed statement.
select * from pmo.keyed_projects(:pub, :id, null, null, null, null, null);
