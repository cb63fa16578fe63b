-- What pmo-server sends for GET /v1/projects/{id}: one keyed statement (pmo.begin_key_request + lateral read).
select k.tenant_id, k.key_id, k.secret_hash, k.scopes, k.expires_at, k.revoked_at, k.tenant_status, p.*
from pmo.begin_key_request(:pub) k
left join lateral (select id, code, name, methodology, phase, status, sponsor, manager, to_char(planned_start, 'YYYY-MM-DD'),
                          to_char(planned_finish, 'YYYY-MM-DD'), budget_at_completion, currency, version, created_at, updated_at
                   from projects where tenant_id = k.tenant_id and id = :id) p on true;
