-- What pmo-server sends for GET /v1/projects?limit=50 (51 rows: one more tells whether a next page exists).
select * from pmo.keyed_projects(:pub, null, null, null, '00000000-0000-0000-0000-000000000000', 51, null);
