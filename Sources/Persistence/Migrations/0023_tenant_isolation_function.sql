-- One statement puts a tenant table under the isolation rule (docs/ARCHITECTURE.md rule 2):
-- row-level security enabled and forced (so not even the table's owner reads across
-- tenants by accident), and one policy that admits a row only when its tenant_id is the tenant the
-- transaction set. Earlier migrations repeat this as a loop of their own; a new tenant table calls
--     select pmo.isolate_by_tenant('the_table');
-- right after its `create table`.
create function pmo.isolate_by_tenant(p_table regclass) returns void
    language plpgsql
    set search_path = pg_catalog, pg_temp
as $$
begin
    if not exists (select from pg_attribute
                   where attrelid = p_table and attname = 'tenant_id' and not attisdropped) then
        raise exception 'table % has no tenant_id column to isolate by', p_table;
    end if;
    execute format('alter table %s enable row level security', p_table);
    execute format('alter table %s force row level security', p_table);
    execute format(
        'create policy tenant_isolation on %s using (tenant_id = pmo.current_tenant()) with check (tenant_id = pmo.current_tenant())',
        p_table);
end
$$;

-- Schema changes are the owner's: the app role neither needs nor gets it.
revoke execute on function pmo.isolate_by_tenant(regclass) from public, pmo_app;
