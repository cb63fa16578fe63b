-- What pmo-server sends for POST /v1/projects (no Idempotency-Key): one transaction.
\set n random(1, 1000000000000)
begin;
select * from pmo.begin_key_request(:pub);
insert into projects (tenant_id, id, code, name, methodology, phase, status, sponsor, manager, planned_start,
    planned_finish, budget_at_completion, currency, created_at, updated_at)
values (:tenant, gen_random_uuid(), 'PG' || :client_id || '-' || :n, 'Benchmark project', 'predictive', 'initiating',
    'proposed', null, null, null::date, null::date, 1000, 'EUR', now(), now())
returning id, code, name, methodology, phase, status, sponsor, manager, to_char(planned_start, 'YYYY-MM-DD'),
    to_char(planned_finish, 'YYYY-MM-DD'),
    budget_at_completion, currency, version, created_at, updated_at;
insert into audit_events (tenant_id, id, occurred_at, actor_type, actor_id, operation, resource_type, resource_id,
    request_id, changed_fields)
values (:tenant, gen_random_uuid(), now(), 'api_key', 'bench', 'createProject', 'project', gen_random_uuid(),
    'bench', '{code,name,methodology,phase,status,budgetAtCompletion,currency}');
commit;
