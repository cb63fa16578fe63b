public import Domain
public import Foundation
public import PostgresNIO

/// A stored obligation with every version of its terms.
public struct ObligationRecord: VersionedRow, Equatable {
    public var id: UUID
    public var contractID: UUID
    public var name: String
    public var kind: ObligationKind
    public var metric: String
    public var unit: String?
    public var period: PeriodKind
    public var dueDate: CalendarDate?
    public var deliveredOn: CalendarDate?
    public var terms: TermsHistory
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, contractID: UUID, name: String, kind: ObligationKind, metric: String, unit: String?,
                period: PeriodKind, dueDate: CalendarDate?, deliveredOn: CalendarDate?, terms: TermsHistory,
                version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.contractID = contractID
        self.name = name
        self.kind = kind
        self.metric = metric
        self.unit = unit
        self.period = period
        self.dueDate = dueDate
        self.deliveredOn = deliveredOn
        self.terms = terms
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The period a deliverable's breach belongs to: the one holding its due date.
    public var duePeriod: MeasurementPeriod? {
        dueDate.map { MeasurementPeriod.containing($0, kind: period) }
    }
}

/// `obligations` with every version of their terms (`obligation_terms`). Bound to a contract
/// (`contract`), the common statements see its obligations only.
public struct ObligationStore: UpdatableTable {
    public let scope: TenantScope
    public let contract: UUID?
    public init(_ scope: TenantScope) { self.init(scope, contract: nil) }
    public init(_ scope: TenantScope, contract: UUID?) {
        self.scope = scope
        self.contract = contract
    }

    public var parent: (column: String, id: UUID)? { contract.map { ("contract_id", $0) } }

    public static let table = "obligations"
    public static let columnsReadOtherTables = true
    /// The obligation's own columns.
    static let ownColumns = """
        id, contract_id, name, kind, metric, unit, period, due_date, delivered_on, version, created_at, updated_at
        """
    /// The terms follow, as one JSON array (statements name the table without an alias, so that the
    /// subquery can refer to it; JSON writes a date as `YYYY-MM-DD`).
    public static let columns = """
        \(ownColumns),
        (select json_agg(json_build_object('effectiveFrom', t.effective_from, 'comparator', t.comparator,
                                           'threshold', t.threshold, 'creditBasisPoints', t.credit_bp,
                                           'earnBackPeriods', t.earn_back_periods))
         from obligation_terms t where t.tenant_id = obligations.tenant_id and t.obligation_id = obligations.id)
        """
    /// What a write of the obligation's row returns: no terms (Citus refuses a subquery in a
    /// RETURNING list); the writer sets them from the record it wrote.
    static let writtenColumns = "\(ownColumns), null::json"

    public static func decode(_ row: PostgresRow) throws -> ObligationRecord {
        let (id, contract, name, kind, metric, unit, period, due, delivered, version, createdAt, updatedAt, terms) = try row.decode(
            (UUID, UUID, String, String, String, String?, String, CalendarDate?, CalendarDate?, Int64, Date, Date, StoredTerms?).self)
        guard let kind = ObligationKind(rawValue: kind), let period = PeriodKind(rawValue: period) else { throw corrupt(id) }
        let versions = try (terms?.versions ?? []).map { stored in
            guard let from = CalendarDate(stored.effectiveFrom) else { throw corrupt(id) }
            let comparator = try stored.comparator.map { text in
                guard let comparator = ThresholdComparator(rawValue: text) else { throw corrupt(id) }
                return comparator
            }
            return ObligationTerms(effectiveFrom: from, comparator: comparator, threshold: stored.threshold,
                                   creditBasisPoints: stored.creditBasisPoints, earnBackPeriods: stored.earnBackPeriods)
        }
        return ObligationRecord(
            id: id, contractID: contract, name: name, kind: kind, metric: metric, unit: unit, period: period,
            dueDate: due, deliveredOn: delivered,
            terms: TermsHistory(versions), version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: ObligationRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "obligation of this contract", name: row.name) : nil
    }

    /// Inserts the obligation and its terms.
    public func insert(_ obligation: ObligationRecord) async throws -> ObligationRecord {
        var inserted = try await write("""
            insert into obligations (tenant_id, id, contract_id, name, kind, metric, unit, period, due_date, delivered_on,
                                     created_at, updated_at)
            values (\(tenantID), \(obligation.id), \(obligation.contractID), \(obligation.name), \(obligation.kind.rawValue),
                    \(obligation.metric), \(obligation.unit), \(obligation.period.rawValue),
                    \(obligation.dueDate), \(obligation.deliveredOn),
                    \(obligation.createdAt), \(obligation.updatedAt))
            returning \(unescaped: Self.writtenColumns)
            """, obligation)
        for terms in obligation.terms.versions { try await insertTerms(terms, of: obligation.id) }
        inserted.terms = obligation.terms
        return inserted
    }

    /// The obligations among `ids`, by id; with `lock`, locked in id order (so two writers over the
    /// same obligations cannot deadlock) until the transaction ends.
    public func findMany(_ ids: [UUID], lock: Bool = false) async throws -> [UUID: ObligationRecord] {
        let records = lock
            ? try await lockedRows("select id from obligations where tenant_id = \(tenantID) and id = any(\(ids)) order by id for update")
            : try await rows("select \(unescaped: Self.columns) from obligations where tenant_id = \(tenantID) and id = any(\(ids))")
        return Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
    }

    /// Every obligation of a contract (compliance and credit views).
    public func all(of contract: UUID) async throws -> [ObligationRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from obligations where tenant_id = \(tenantID) and contract_id = \(contract)
            order by id
            """)
    }

    /// Deliverables due before `today`, not delivered and not yet breached, locked. One being edited
    /// right now is skipped: its editor judges it again when its dates change.
    public func overdueDeliverables(on today: CalendarDate) async throws -> [ObligationRecord] {
        try await lockedRows("""
            select id from obligations
            where tenant_id = \(tenantID) and kind = 'deliverable' and delivered_on is null
              and due_date < \(today)
              and not exists (select 1 from breaches b where b.tenant_id = \(tenantID) and b.obligation_id = obligations.id)
            order by id
            for update of obligations skip locked
            """)
    }

    /// Writes the obligation's own fields (its terms change with `replaceTerms`). The row comes back
    /// with `obligation`'s terms: this statement leaves the stored ones as they are, and the caller's
    /// record holds them as stored (any `replaceTerms` runs first).
    public func update(_ obligation: ObligationRecord, at now: Date) async throws -> ObligationRecord {
        var updated = try await write("""
            update obligations set name = \(obligation.name), metric = \(obligation.metric), unit = \(obligation.unit),
                due_date = \(obligation.dueDate), delivered_on = \(obligation.deliveredOn),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(obligation.id)
            returning \(unescaped: Self.writtenColumns)
            """, obligation)
        updated.terms = obligation.terms
        return updated
    }

    /// Replaces the terms from `terms.effectiveFrom` on (the caller has checked that no period from
    /// then on is measured) and bumps the obligation's version.
    public func replaceTerms(of id: UUID, with terms: ObligationTerms, at now: Date) async throws {
        try await scope.query("""
            delete from obligation_terms
            where tenant_id = \(tenantID) and obligation_id = \(id) and effective_from >= \(terms.effectiveFrom)
            """)
        try await insertTerms(terms, of: id)
        try await scope.query("""
            update obligations set version = version + 1, updated_at = \(now) where tenant_id = \(tenantID) and id = \(id)
            """)
    }

    /// An obligation that was measured or breached stays (its record of compliance).
    public func checkDeletable(_ id: UUID) async throws {
        let history = try await count("""
            select (select count(*) from measurements where tenant_id = \(tenantID) and obligation_id = \(id))::int
                 + (select count(*) from breaches where tenant_id = \(tenantID) and obligation_id = \(id))::int
            """)
        guard history == 0 else {
            throw HasChildren(kind: "obligation", id: id, childKind: "measurements or breaches", count: history)
        }
    }

    /// The start of the latest measured (or breached) period: terms may change only after it.
    public func lastRecordedPeriodStart(of id: UUID) async throws -> CalendarDate? {
        let rows = try await scope.query("""
            select greatest(
                (select max(period_start) from measurements where tenant_id = \(tenantID) and obligation_id = \(id)),
                (select max(period_start) from breaches where tenant_id = \(tenantID) and obligation_id = \(id)))
            """)
        for try await day in rows.decode(CalendarDate?.self) { return day }
        return nil
    }

    private func insertTerms(_ terms: ObligationTerms, of id: UUID) async throws {
        try await scope.query("""
            insert into obligation_terms (tenant_id, obligation_id, effective_from, comparator, threshold, credit_bp,
                                          earn_back_periods)
            values (\(tenantID), \(id), \(terms.effectiveFrom), \(terms.comparator?.rawValue),
                    \(terms.threshold), \(terms.creditBasisPoints), \(terms.earnBackPeriods))
            """)
    }
}

/// An obligation's terms as `columns` selects them: a JSON array of `obligation_terms` rows.
private struct StoredTerms: Decodable, PostgresDecodable {
    struct Version: Decodable {
        var effectiveFrom: String
        var comparator: String?
        var threshold: Double?
        var creditBasisPoints: Int
        var earnBackPeriods: Int?
    }

    var versions: [Version]

    init(from decoder: any Decoder) throws {
        versions = try decoder.singleValueContainer().decode([Version].self)
    }
}
