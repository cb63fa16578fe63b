-- What pmo-server sends for GET /v1/projects?limit=50 (51 rows: one more tells whether a next page exists).
select k.tenant_id, k.key_id, k.secret_hash, k.scopes, k.expires_at, k.revoked_at, k.tenant_status, p.*
from pmo.begin_key_request(:pub) k
left join lateral (select id, code, name, methodology, phase, status, sponsor, manager, to_char(planned_start, 'YYYY-MM-DD'),
                          to_char(planned_finish, 'YYYY-MM-DD'), budget_at_completion, currency, version, created_at, updated_at
                   from projects where tenant_id = k.tenant_id and id > '00000000-0000-0000-0000-000000000000'
                   order by id limit 51) p on true;
