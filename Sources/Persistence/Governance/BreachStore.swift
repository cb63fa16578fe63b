public import Domain
public import Foundation
public import PostgresNIO

/// A stored breach: one obligation's period that was not met, with the terms it was judged by.
public struct BreachRecord: VersionedRow, Equatable {
    public var id: UUID
    public var contractID: UUID
    public var obligationID: UUID
    public var obligationName: String
    public var period: MeasurementPeriod
    /// The measured value; nil for a deliverable.
    public var value: Double?
    public var comparator: ThresholdComparator?
    public var threshold: Double?
    public var creditBasisPoints: Int
    public var earnBackPeriods: Int?
    public var status: BreachStatus
    public var decisionReference: String?
    public var reason: String?
    public var creditReference: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// A breach to open: the period and the terms that judged it.
public struct NewBreach: Sendable {
    public var id: UUID
    public var contractID: UUID
    public var obligationID: UUID
    public var period: MeasurementPeriod
    public var value: Double?
    public var terms: ObligationTerms

    public init(id: UUID, contractID: UUID, obligationID: UUID, period: MeasurementPeriod, value: Double?,
                terms: ObligationTerms) {
        self.id = id
        self.contractID = contractID
        self.obligationID = obligationID
        self.period = period
        self.value = value
        self.terms = terms
    }
}

/// Which breaches a list shows.
public struct BreachFilter: Sendable {
    public var contractID: UUID?
    public var obligationID: UUID?
    public var month: YearMonth?
    public var status: BreachStatus?

    public init(contractID: UUID? = nil, obligationID: UUID? = nil, month: YearMonth? = nil, status: BreachStatus? = nil) {
        self.contractID = contractID
        self.obligationID = obligationID
        self.month = month
        self.status = status
    }
}

/// `breaches`: one obligation's period that was not met, with the terms it was judged by.
public struct BreachStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "breaches"
    public static let columnsReadOtherTables = true
    /// The breach's own columns.
    static let ownColumns = """
        id, contract_id, obligation_id, period_start, value, comparator, threshold, credit_bp, earn_back_periods, status,
        decision_reference, reason, credit_reference, version, created_at, updated_at
        """
    /// The obligation's name and period kind follow (statements name the table without an alias, so
    /// that the subqueries can refer to it; a lock takes the breach only). A write's RETURNING has the
    /// caller's in their place (Citus refuses a subquery there).
    public static let columns = """
        \(ownColumns),
        (select o.name from obligations o where o.tenant_id = breaches.tenant_id and o.id = breaches.obligation_id),
        (select o.period from obligations o where o.tenant_id = breaches.tenant_id and o.id = breaches.obligation_id)
        """

    public static func decode(_ row: PostgresRow) throws -> BreachRecord {
        let (id, contract, obligation, start, value, comparator, threshold, credit, earnBack, status,
             decision, reason, creditReference, version, createdAt, updatedAt, name, kind)
            = try row.decode((UUID, UUID, UUID, CalendarDate, Double?, String?, Double?, Int, Int?, String,
                              String?, String?, String?, Int64, Date, Date, String, String).self)
        guard let kind = PeriodKind(rawValue: kind), let period = MeasurementPeriod(kind: kind, start: start),
              let status = BreachStatus(rawValue: status)
        else { throw corrupt(id) }
        let judgedBy = try comparator.map { text in
            guard let comparator = ThresholdComparator(rawValue: text) else { throw corrupt(id) }
            return comparator
        }
        return BreachRecord(
            id: id, contractID: contract, obligationID: obligation, obligationName: name, period: period, value: value,
            comparator: judgedBy, threshold: threshold, creditBasisPoints: credit, earnBackPeriods: earnBack, status: status,
            decisionReference: decision, reason: reason, creditReference: creditReference, version: version,
            createdAt: createdAt, updatedAt: updatedAt)
    }

    /// The breaches of `keys`' periods that exist, by period, locked: a concurrent waiver or credit
    /// commits first and is seen (so a credited breach is never withdrawn by a stale read).
    public func existing(_ keys: [PeriodKey]) async throws -> [PeriodKey: BreachRecord] {
        let records = try await lockedRows("""
            select id from breaches
            where tenant_id = \(tenantID) and (obligation_id, period_start) in
                (select * from unnest(\(keys.map(\.obligationID))::uuid[], \(keys.map(\.start))::date[]))
            order by id for update
            """)
        return Dictionary(uniqueKeysWithValues: records.map { (PeriodKey($0.obligationID, $0.period.start), $0) })
    }

    /// Every breach of one obligation, locked (as `existing`).
    public func all(of obligation: UUID) async throws -> [BreachRecord] {
        try await lockedRows("""
            select id from breaches where tenant_id = \(tenantID) and obligation_id = \(obligation) order by id for update
            """, orderedBy: "period_start")
    }

    public func list(_ filter: BreachFilter, after: UUID?, limit: Int) async throws -> [BreachRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from breaches
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(filter.contractID)::uuid is null or contract_id = \(filter.contractID))
              and (\(filter.obligationID)::uuid is null or obligation_id = \(filter.obligationID))
              and (\(filter.month?.first)::date is null or credit_month = \(filter.month?.first))
              and (\(filter.status?.rawValue)::text is null or status = \(filter.status?.rawValue))
            order by id limit \(limit)
            """)
    }

    /// The contract's breaches counted in the service credits of the months `from` to `to`.
    public func inMonths(contract: UUID, from: YearMonth, to: YearMonth) async throws -> [BreachRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from breaches
            where tenant_id = \(tenantID) and contract_id = \(contract)
              and credit_month between \(from.first) and \(to.first)
            order by period_start, id
            """)
    }
    /// Opens breaches (credited in the month their period ends).
    /// A period breached already (by a concurrent writer) is left alone: the ids returned are those
    /// this call opened.
    @discardableResult
    public func open(_ breaches: [NewBreach], at now: Date) async throws -> Set<UUID> {
        guard !breaches.isEmpty else { return [] }
        var insert = MultiRowInsert(into: "breaches", columns: [
            "tenant_id", "id", "contract_id", "obligation_id", "period_start", "period_end", "credit_month", "value",
            "comparator", "threshold", "credit_bp", "earn_back_periods", "created_at", "updated_at"])
        let tenant = try insert.shared(tenantID)
        let stamp = try insert.shared(now)
        for breach in breaches {
            let end = breach.period.end
            let creditMonth = CalendarDate(year: end.year, month: end.month, day: 1) ?? end
            try insert.row { row in
                row.cite(tenant); try row.bind(breach.id); try row.bind(breach.contractID); try row.bind(breach.obligationID)
                try row.bind(breach.period.start); try row.bind(end); try row.bind(creditMonth); try row.bind(breach.value)
                try row.bind(breach.terms.comparator?.rawValue); try row.bind(breach.terms.threshold)
                try row.bind(breach.terms.creditBasisPoints); try row.bind(breach.terms.earnBackPeriods)
                row.cite(stamp); row.cite(stamp)
            }
        }
        let rows = try await scope.query(insert.query(then: """
            on conflict (tenant_id, obligation_id, period_start) do nothing
            returning id
            """))
        var opened: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { opened.insert(id) }
        return opened
    }

    /// Records a new value on breaches that stay breached.
    public func restate(_ values: [(id: UUID, value: Double?)], at now: Date) async throws {
        guard !values.isEmpty else { return }
        try await scope.query("""
            update breaches b set value = nullif(r.value, 'NaN'), version = b.version + 1, updated_at = \(now)
            from unnest(\(values.map(\.id))::uuid[], \(values.map { $0.value ?? .nan })::float8[]) as r (id, value)
            where b.tenant_id = \(tenantID) and b.id = r.id
            """)
    }

    /// Removes breaches whose period turned out met; a credited one is never removed (the callers
    /// refuse first, under lock; this is the backstop).
    public func withdraw(_ ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        let removed = try await scope.query("""
            with removed as (
                delete from breaches where tenant_id = \(tenantID) and id = any(\(ids)) and status <> 'credited' returning 1)
            select count(*)::int from removed
            """).count()
        guard removed == ids.count else { throw CreditedBreachCorrection() }
    }

    /// Writes what a PATCH changes: the status and the waiver's or credit's references.
    public func update(_ breach: BreachRecord, at now: Date) async throws -> BreachRecord {
        try await write("""
            update breaches set status = \(breach.status.rawValue), decision_reference = \(breach.decisionReference),
                reason = \(breach.reason), credit_reference = \(breach.creditReference), version = version + 1,
                updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(breach.id)
            returning \(unescaped: Self.ownColumns), \(breach.obligationName), \(breach.period.kind.rawValue)
            """, breach)
    }
}
