-- Ceiling (b): the minimal single statement, one insert.
\set n random(1, 1000000000000)
insert into projects (tenant_id, id, code, name, methodology, phase, status, currency)
values (:tenant, gen_random_uuid(), 'PM' || :client_id || '-' || :n, 'Benchmark project', 'predictive', 'initiating', 'proposed', 'EUR');
