-- The SECURITY DEFINER functions run as the owner (who bypasses row-level security). PostgreSQL
-- resolves type names in them through the caller's search_path, where pg_temp comes first: a role
-- that may create temporary objects could shadow a type there. No role needs temporary objects in
-- this database, and only the app role needs the functions.
do $$
begin
    execute format('revoke temporary on database %I from public', current_database());
end
$$;
revoke execute on all functions in schema pmo from public;
grant execute on all functions in schema pmo to pmo_app;
-- Functions of later migrations too (they grant the app role what it needs).
alter default privileges in schema pmo revoke execute on functions from public;
