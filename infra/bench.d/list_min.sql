-- Ceiling (b): the minimal single statement for a page of 50.
select * from projects where tenant_id = :tenant order by id limit 51;
