-- Invoices (docs/DOMAIN.md §7): one per tenant and closed billing period, draft → issued → paid | void.
-- An issued invoice is immutable: the app role may change only its status columns, never its lines
-- or total, and the code moves a status only forward. A correction voids it (with a reason) and a
-- new invoice is made for the period.
create table invoices (
    tenant_id     uuid not null references tenants (id) on delete cascade,
    id            uuid not null,
    period_start  date not null,
    period_end    date not null,
    currency      text not null check (currency ~ '^[A-Z]{3}$'),
    total         bigint not null check (total >= 0),
    status        text not null check (status in ('draft', 'issued', 'paid', 'void')),
    -- The tenant's invoice number, from a gap-free sequence (invoice_counters), set when issued.
    number        bigint check (number >= 1),
    issued_at     timestamptz,
    paid_at       timestamptz,
    voided_at     timestamptz,
    void_reason   text check (length(void_reason) between 1 and 500),
    created_at    timestamptz not null,
    primary key (tenant_id, id),
    check (period_end > period_start),
    check ((number is null) = (issued_at is null)),
    check (status <> 'paid' or paid_at is not null),
    check ((status = 'void') = (voided_at is not null and void_reason is not null))
);
-- One invoice in force per tenant and period (a void one leaves room for its correction), and each
-- number once per tenant.
create unique index invoices_one_per_period on invoices (tenant_id, period_start) where status <> 'void';
create unique index invoices_number on invoices (tenant_id, number) where number is not null;
select pmo.isolate_by_tenant('invoices');

create table invoice_lines (
    tenant_id   uuid not null,
    invoice_id  uuid not null,
    position    integer not null check (position >= 1),
    kind        text not null check (kind in ('base_fee', 'overage')),
    metric      text check (metric in ('api_requests', 'active_projects', 'members', 'api_clients')),
    description text not null check (length(description) between 1 and 500),
    quantity    bigint not null check (quantity >= 0),
    unit_price  bigint not null check (unit_price >= 0),
    per         bigint not null check (per >= 1),
    amount      bigint not null check (amount >= 0),
    primary key (tenant_id, invoice_id, position),
    foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete cascade,
    check ((kind = 'overage') = (metric is not null))
);
select pmo.isolate_by_tenant('invoice_lines');

create table invoice_payments (
    tenant_id    uuid not null,
    id           uuid not null,
    invoice_id   uuid not null,
    amount       bigint not null check (amount > 0),
    paid_on      date not null,
    reference    text not null check (length(reference) between 1 and 200),
    recorded_by  text not null,
    recorded_at  timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete cascade
);
select pmo.isolate_by_tenant('invoice_payments');

-- The last number issued to each tenant; incremented in the issuing transaction, so a number is
-- never skipped (a rolled-back issue gives its number back) nor used twice.
create table invoice_counters (
    tenant_id    uuid primary key references tenants (id) on delete cascade,
    last_number  bigint not null check (last_number >= 1)
);
select pmo.isolate_by_tenant('invoice_counters');

grant select, insert on invoices, invoice_lines, invoice_payments to pmo_app;
grant update (status, number, issued_at, paid_at, voided_at, void_reason) on invoices to pmo_app;
grant select, insert, update on invoice_counters to pmo_app;
