-- Ceiling (b): the minimal single statement, a primary-key select.
select * from projects where tenant_id = :tenant and id = :id;
