-- The invoices of the tenants an operator looks after (every tenant for a platform admin), in id
-- order after p_after, for the platform API. Across tenants, so a SECURITY DEFINER function; the
-- role is read first and an account manager's tenants joined on tenant_id (pushed down on Citus).
create function pmo.operator_invoices(p_operator uuid, p_status text, p_after uuid, p_limit bigint)
returns table (tenant_id uuid, id uuid, period_start date, period_end date, currency text, total bigint, status text,
               number bigint, issued_at timestamptz, paid_at timestamptz, voided_at timestamptz, void_reason text,
               created_at timestamptz, paid bigint)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
declare
    v_role text;
begin
    select o.role into v_role from public.operators o where o.id = p_operator;
    if v_role is null then
        return;
    end if;
    return query
    select i.tenant_id, i.id, i.period_start, i.period_end, i.currency, i.total, i.status, i.number, i.issued_at,
           i.paid_at, i.voided_at, i.void_reason, i.created_at, coalesce(p.amount, 0)::bigint
    from public.invoices i
         left join (select pay.tenant_id, pay.invoice_id, sum(pay.amount) as amount from public.invoice_payments pay
                    group by pay.tenant_id, pay.invoice_id) p on p.tenant_id = i.tenant_id and p.invoice_id = i.id
         left join public.operator_assignments a on a.tenant_id = i.tenant_id and a.operator_id = p_operator
    where (v_role = 'platform_admin' or a.operator_id is not null)
      and (p_status is null or i.status = p_status)
      and i.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000')
    order by i.id limit p_limit;
end
$$;
grant execute on function pmo.operator_invoices(uuid, text, uuid, bigint) to pmo_app;
