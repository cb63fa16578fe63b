public import Domain
public import Foundation
import PostgresNIO

public enum InvoiceStatus: String, CaseIterable, Sendable {
    case draft, issued, paid, void
}

/// An invoice as stored (docs/DOMAIN.md §7).
public struct InvoiceRecord: Sendable, Equatable {
    public let id: UUID
    public let period: BillingPeriod
    public let currency: String
    public let total: Int64
    public let status: InvoiceStatus
    /// Set when issued: the tenant's next number, without gaps.
    public let number: Int64?
    public let issuedAt: Date?
    public let paidAt: Date?
    public let voidedAt: Date?
    public let voidReason: String?
    public let createdAt: Date
    /// What has been paid so far.
    public let paid: Int64
}

extension InvoiceRecord {
    /// The same invoice with `paid` paid so far.
    func paying(_ paid: Int64) -> InvoiceRecord {
        InvoiceRecord(id: id, period: period, currency: currency, total: total, status: status, number: number, issuedAt: issuedAt,
                      paidAt: paidAt, voidedAt: voidedAt, voidReason: voidReason, createdAt: createdAt, paid: paid)
    }
}

public struct InvoiceLineRecord: Sendable, Equatable {
    public let position: Int
    public let line: InvoiceLineDraft
}

public struct InvoicePaymentRecord: Sendable, Equatable {
    public let amount: Int64
    public let paidOn: CalendarDate
    public let reference: String
}

/// A status change the invoice's state does not allow (issuing an issued invoice, paying a void one).
public struct RefusedInvoiceChange: Error, Equatable {
    public let reason: String
}

/// `invoices`, their lines and payments, in one tenant's transaction.
public struct InvoiceStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    static let columns = """
        i.id, i.period_start, i.period_end, i.currency, i.total, i.status, i.number, i.issued_at, i.paid_at,
        i.voided_at, i.void_reason, i.created_at, coalesce(paid.amount, 0)::bigint
        """
    /// The same columns of a written row, for `returning` (followed by what has been paid, which the
    /// writer knows).
    static let returned = "id, period_start, period_end, currency, total, status, number, issued_at, paid_at, voided_at, void_reason, created_at"

    // Each read below joins what has been paid of each invoice, both sides binding the tenant so the
    // join stays on the tenant's shard on Citus.

    /// The invoice in force for the period starting on `start` (not void), if any.
    public func inForce(periodStart start: CalendarDate) async throws -> InvoiceRecord? {
        try await select("""
            select \(unescaped: Self.columns) from invoices i
              left join (select invoice_id, sum(amount) as amount from invoice_payments
                         where tenant_id = \(scope.tenantID) group by invoice_id) paid on paid.invoice_id = i.id
            where i.tenant_id = \(scope.tenantID) and i.period_start = \(start) and i.status <> 'void'
            """).first
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> InvoiceRecord? {
        if lock {
            // The lock in a statement of its own, routable on Citus (the select list reads payments).
            for try await _ in try await scope.query(
                "select id from invoices where tenant_id = \(scope.tenantID) and id = \(id) for update") {}
        }
        return try await select("""
            select \(unescaped: Self.columns) from invoices i
              left join (select invoice_id, sum(amount) as amount from invoice_payments
                         where tenant_id = \(scope.tenantID) group by invoice_id) paid on paid.invoice_id = i.id
            where i.tenant_id = \(scope.tenantID) and i.id = \(id)
            """).first
    }

    /// A page in id order (creation order) after the cursor; `issuedOnly` leaves drafts out (a tenant
    /// sees an invoice once it is issued).
    public func page(after cursor: UUID?, limit: Int, issuedOnly: Bool = false) async throws -> [InvoiceRecord] {
        try await select("""
            select \(unescaped: Self.columns) from invoices i
              left join (select invoice_id, sum(amount) as amount from invoice_payments
                         where tenant_id = \(scope.tenantID) group by invoice_id) paid on paid.invoice_id = i.id
            where i.tenant_id = \(scope.tenantID) and (\(cursor)::uuid is null or i.id > \(cursor))
              and (not \(issuedOnly) or i.status <> 'draft')
            order by i.id limit \(Int64(limit))
            """)
    }

    /// The newest invoices first (drafts included), at most `limit`.
    public func latest(limit: Int) async throws -> [InvoiceRecord] {
        try await select("""
            select \(unescaped: Self.columns) from invoices i
              left join (select invoice_id, sum(amount) as amount from invoice_payments
                         where tenant_id = \(scope.tenantID) group by invoice_id) paid on paid.invoice_id = i.id
            where i.tenant_id = \(scope.tenantID)
            order by i.id desc limit \(Int64(limit))
            """)
    }

    private func select(_ query: PostgresQuery) async throws -> [InvoiceRecord] {
        var invoices: [InvoiceRecord] = []
        for try await row in try await scope.query(query).decode(Self.Row.self) { invoices.append(try Self.record(row)) }
        return invoices
    }

    typealias Row = (UUID, CalendarDate, CalendarDate, String, Int64, String, Int64?, Date?, Date?, Date?, String?, Date, Int64)

    static func record(_ row: Row) throws -> InvoiceRecord {
        let (id, start, end, currency, total, status, number, issuedAt, paidAt, voidedAt, reason, createdAt, paid) = row
        guard let status = InvoiceStatus(rawValue: status), BillingPeriod.anchorDays.contains(start.day) else {
            throw CorruptRow(table: "invoices", id: id)
        }
        let period = BillingPeriod(starting: YearMonth(start), anchorDay: start.day)
        guard period.end == end else { throw CorruptRow(table: "invoices", id: id) }
        return InvoiceRecord(id: id, period: period, currency: currency, total: total, status: status, number: number,
                             issuedAt: issuedAt, paidAt: paidAt, voidedAt: voidedAt, voidReason: reason, createdAt: createdAt,
                             paid: paid)
    }

    /// The invoices of the tenants an operator looks after, in id order after `after` (see
    /// `pmo.operator_invoices`), each with its tenant.
    public static func forOperator(_ operatorID: UUID, status: InvoiceStatus?, after: UUID?, limit: Int,
                                   database: Database) async throws -> [(TenantID, InvoiceRecord)] {
        let rows = try await database.query("""
            select * from pmo.operator_invoices(\(operatorID), \(status?.rawValue), \(after), \(Int64(limit)))
            """)
        var invoices: [(TenantID, InvoiceRecord)] = []
        for try await (tenant, id, start, end, currency, total, status, number, issuedAt, paidAt, voidedAt, reason, createdAt, paid)
            in rows.decode((TenantID, UUID, CalendarDate, CalendarDate, String, Int64, String, Int64?, Date?, Date?, Date?, String?,
                            Date, Int64).self) {
            invoices.append((tenant, try record((id, start, end, currency, total, status, number, issuedAt, paidAt, voidedAt,
                                                 reason, createdAt, paid))))
        }
        return invoices
    }

    public func lines(of id: UUID) async throws -> [InvoiceLineRecord] {
        let rows = try await scope.query("""
            select position, kind, metric, description, quantity, unit_price, per, amount from invoice_lines
            where tenant_id = \(scope.tenantID) and invoice_id = \(id) order by position
            """)
        var lines: [InvoiceLineRecord] = []
        for try await (position, kind, metric, description, quantity, unitPrice, per, amount) in rows.decode(
            (Int32, String, String?, String, Int64, Int64, Int64, Int64).self) {
            guard let kind = InvoiceLineDraft.Kind(rawValue: kind) else { throw CorruptRow(table: "invoice_lines", id: id) }
            lines.append(InvoiceLineRecord(position: Int(position), line: InvoiceLineDraft(
                kind: kind, description: description, metric: metric.flatMap(BillingMetric.init(rawValue:)), quantity: quantity,
                unitPrice: unitPrice, per: per, amount: amount)))
        }
        return lines
    }

    public func payments(of id: UUID) async throws -> [InvoicePaymentRecord] {
        var payments: [InvoicePaymentRecord] = []
        for try await (amount, paidOn, reference) in try await scope.query("""
            select amount, paid_on, reference from invoice_payments
            where tenant_id = \(scope.tenantID) and invoice_id = \(id) order by recorded_at, id
            """).decode((Int64, CalendarDate, String).self) {
            payments.append(InvoicePaymentRecord(amount: amount, paidOn: paidOn, reference: reference))
        }
        return payments
    }

    /// An invoice for the period with its lines, in one statement each: a draft, or with `issue` an
    /// invoice issued at once with the tenant's next number (what a run that issues does, without
    /// storing a draft first).
    public func create(_ draft: InvoiceDraft, period: BillingPeriod, issue: Bool = false, id: UUID,
                       at now: Date) async throws -> InvoiceRecord {
        let number = issue ? try await nextNumber() : nil
        let created = try await select("""
            insert into invoices (tenant_id, id, period_start, period_end, currency, total, status, number, issued_at, created_at)
            values (\(scope.tenantID), \(id), \(period.start), \(period.end), \(draft.currency), \(draft.total),
                    \(issue ? "issued" : "draft"), \(number), \(issue ? now : nil), \(now))
            returning \(unescaped: Self.returned), 0::bigint
            """)
        if !draft.lines.isEmpty {
            var insert = MultiRowInsert(into: "invoice_lines", columns: [
                "tenant_id", "invoice_id", "position", "kind", "metric", "description", "quantity", "unit_price", "per", "amount"])
            let tenant = try insert.shared(scope.tenantID)
            let invoice = try insert.shared(id)
            for (index, line) in draft.lines.enumerated() {
                try insert.row { row in
                    row.cite(tenant)
                    row.cite(invoice)
                    try row.bind(Int32(index + 1))
                    try row.bind(line.kind.rawValue)
                    try row.bind(line.metric?.rawValue)
                    try row.bind(line.description)
                    try row.bind(line.quantity)
                    try row.bind(line.unitPrice)
                    try row.bind(line.per)
                    try row.bind(line.amount)
                }
            }
            try await scope.query(insert.query())
        }
        return created[0]
    }

    /// Issues a draft: it takes the tenant's next number and can no longer change.
    public func issue(_ id: UUID, at now: Date) async throws -> InvoiceRecord? {
        guard let invoice = try await find(id, lock: true) else { return nil }
        guard invoice.status == .draft else {
            throw RefusedInvoiceChange(reason: "invoice \(invoice.number.map { "number \($0)" } ?? "") is \(invoice.status.rawValue); only a draft is issued")
        }
        // A draft has no payments (they are recorded against issued invoices).
        return try await select("""
            update invoices set status = 'issued', number = \(try await nextNumber()), issued_at = \(now)
            where tenant_id = \(scope.tenantID) and id = \(id)
            returning \(unescaped: Self.returned), 0::bigint
            """).first
    }

    /// The tenant's next invoice number: its counter row is locked until the transaction ends, so
    /// numbers are taken one after another and a rolled-back one is taken again (no gaps).
    private func nextNumber() async throws -> Int64 {
        var number: Int64 = 1
        for try await next in try await scope.query("""
            insert into invoice_counters (tenant_id, last_number) values (\(scope.tenantID), 1)
            on conflict (tenant_id) do update set last_number = invoice_counters.last_number + 1
            returning last_number
            """).decode(Int64.self) { number = next }
        return number
    }

    /// Voids a draft or an issued invoice, giving the reason; a paid or void one is refused.
    public func void(_ id: UUID, reason: String, at now: Date) async throws -> InvoiceRecord? {
        guard let invoice = try await find(id, lock: true) else { return nil }
        guard invoice.status == .draft || invoice.status == .issued else {
            throw RefusedInvoiceChange(reason: "the invoice is \(invoice.status.rawValue); only a draft or an issued invoice is voided")
        }
        guard invoice.paid == 0 else {
            throw RefusedInvoiceChange(reason: "\(invoice.paid) of the invoice has been paid; it cannot be voided")
        }
        return try await select("""
            update invoices set status = 'void', voided_at = \(now), void_reason = \(reason)
            where tenant_id = \(scope.tenantID) and id = \(id)
            returning \(unescaped: Self.returned), 0::bigint
            """).first
    }

    /// Records a payment of an issued invoice; once the payments cover the total it is paid.
    public func recordPayment(_ id: UUID, amount: Int64, paidOn: CalendarDate, reference: String, by operator: String,
                              paymentID: UUID, at now: Date) async throws -> InvoiceRecord? {
        guard let invoice = try await find(id, lock: true) else { return nil }
        guard invoice.status == .issued else {
            throw RefusedInvoiceChange(reason: "the invoice is \(invoice.status.rawValue); payments are recorded against issued invoices")
        }
        guard amount <= invoice.total - invoice.paid else {
            throw RefusedInvoiceChange(reason: "\(amount) is more than the \(invoice.total - invoice.paid) still due")
        }
        try await scope.query("""
            insert into invoice_payments (tenant_id, id, invoice_id, amount, paid_on, reference, recorded_by, recorded_at)
            values (\(scope.tenantID), \(paymentID), \(id), \(amount), \(paidOn), \(reference), \(`operator`), \(now))
            """)
        let paid = invoice.paid + amount
        guard paid == invoice.total else { return invoice.paying(paid) }
        return try await select("""
            update invoices set status = 'paid', paid_at = \(now) where tenant_id = \(scope.tenantID) and id = \(id)
            returning \(unescaped: Self.returned), \(paid)::bigint
            """).first
    }
}
