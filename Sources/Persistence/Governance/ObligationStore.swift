import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored obligation with every version of its terms.
public struct ObligationRecord: Sendable, Equatable {
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

/// SQL for `obligations` and `obligation_terms`, inside a transaction whose tenant is set.
public struct ObligationStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        id, contract_id, name, kind, metric, unit, period, to_char(due_date, 'YYYY-MM-DD'),
        to_char(delivered_on, 'YYYY-MM-DD'), version, created_at, updated_at
        """

    public func insert(_ obligation: ObligationRecord) async throws -> ObligationRecord {
        let inserted = try await write(obligation.name, """
            insert into obligations (tenant_id, id, contract_id, name, kind, metric, unit, period, due_date, delivered_on,
                                     created_at, updated_at)
            values (\(tenantID), \(obligation.id), \(obligation.contractID), \(obligation.name), \(obligation.kind.rawValue),
                    \(obligation.metric), \(obligation.unit), \(obligation.period.rawValue),
                    \(obligation.dueDate?.description)::date, \(obligation.deliveredOn?.description)::date,
                    \(obligation.createdAt), \(obligation.updatedAt))
            returning \(unescaped: Self.columns)
            """)
        for terms in obligation.terms.versions { try await insertTerms(terms, of: obligation.id) }
        return try await withTerms([inserted])[0]
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> ObligationRecord? {
        try await findMany([id], lock: lock)[id]
    }

    /// The obligations among `ids`, by id; with `lock`, locked in id order (so two writers over the
    /// same obligations cannot deadlock) until the transaction ends.
    public func findMany(_ ids: [UUID], lock: Bool = false) async throws -> [UUID: ObligationRecord] {
        let records = try await withTerms(try await all("""
            select \(unescaped: Self.columns) from obligations where tenant_id = \(tenantID) and id = any(\(ids))
            order by id \(unescaped: lock ? "for update" : "")
            """))
        return Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
    }

    public func list(contract: UUID, after: UUID?, limit: Int) async throws -> [ObligationRecord] {
        try await withTerms(try await all("""
            select \(unescaped: Self.columns) from obligations
            where tenant_id = \(tenantID) and contract_id = \(contract) and id > \(after ?? UUIDv7.lowest)
            order by id limit \(limit)
            """))
    }

    /// Every obligation of a contract (compliance and credit views).
    public func all(of contract: UUID) async throws -> [ObligationRecord] {
        try await withTerms(try await all("""
            select \(unescaped: Self.columns) from obligations where tenant_id = \(tenantID) and contract_id = \(contract)
            order by id
            """))
    }

    /// Deliverables due before `today`, not delivered and not yet breached, locked. One being edited
    /// right now is skipped: its editor judges it again when its dates change.
    public func overdueDeliverables(on today: CalendarDate) async throws -> [ObligationRecord] {
        try await withTerms(try await all("""
            select \(unescaped: Self.columns) from obligations o
            where o.tenant_id = \(tenantID) and o.kind = 'deliverable' and o.delivered_on is null
              and o.due_date < \(today.description)::date
              and not exists (select 1 from breaches b where b.tenant_id = o.tenant_id and b.obligation_id = o.id)
            order by o.id
            for update of o skip locked
            """))
    }

    public func update(_ obligation: ObligationRecord, at now: Date) async throws -> ObligationRecord {
        let updated = try await write(obligation.name, """
            update obligations set name = \(obligation.name), metric = \(obligation.metric), unit = \(obligation.unit),
                due_date = \(obligation.dueDate?.description)::date, delivered_on = \(obligation.deliveredOn?.description)::date,
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(obligation.id)
            returning \(unescaped: Self.columns)
            """)
        return try await withTerms([updated])[0]
    }

    /// Replaces the terms from `terms.effectiveFrom` on (the caller has checked that no period from
    /// then on is measured) and bumps the obligation's version.
    public func replaceTerms(of id: UUID, with terms: ObligationTerms, at now: Date) async throws {
        try await connection.query("""
            delete from obligation_terms
            where tenant_id = \(tenantID) and obligation_id = \(id) and effective_from >= \(terms.effectiveFrom.description)::date
            """, logger: logger)
        try await insertTerms(terms, of: id)
        try await connection.query("""
            update obligations set version = version + 1, updated_at = \(now) where tenant_id = \(tenantID) and id = \(id)
            """, logger: logger)
    }

    /// Deletes an obligation that was never measured nor breached (its record of compliance).
    public func delete(_ id: UUID) async throws {
        let history = try await connection.query("""
            select (select count(*) from measurements where tenant_id = \(tenantID) and obligation_id = \(id))::int
                 + (select count(*) from breaches where tenant_id = \(tenantID) and obligation_id = \(id))::int
            """, logger: logger).count()
        guard history == 0 else {
            throw HasChildren(kind: "obligation", id: id, childKind: "measurements or breaches", count: history)
        }
        try await connection.query("delete from obligations where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    /// The start of the latest measured (or breached) period: terms may change only after it.
    public func lastRecordedPeriodStart(of id: UUID) async throws -> CalendarDate? {
        let rows = try await connection.query("""
            select to_char(greatest(
                (select max(period_start) from measurements where tenant_id = \(tenantID) and obligation_id = \(id)),
                (select max(period_start) from breaches where tenant_id = \(tenantID) and obligation_id = \(id))), 'YYYY-MM-DD')
            """, logger: logger)
        for try await day in rows.decode(String?.self) { return day.flatMap { CalendarDate($0) } }
        return nil
    }

    private func insertTerms(_ terms: ObligationTerms, of id: UUID) async throws {
        try await connection.query("""
            insert into obligation_terms (tenant_id, obligation_id, effective_from, comparator, threshold, credit_bp,
                                          earn_back_periods)
            values (\(tenantID), \(id), \(terms.effectiveFrom.description)::date, \(terms.comparator?.rawValue),
                    \(terms.threshold), \(terms.creditBasisPoints), \(terms.earnBackPeriods))
            """, logger: logger)
    }

    private func withTerms(_ records: [ObligationRecord]) async throws -> [ObligationRecord] {
        guard !records.isEmpty else { return records }
        var versions: [UUID: [ObligationTerms]] = [:]
        let rows = try await connection.query("""
            select obligation_id, to_char(effective_from, 'YYYY-MM-DD'), comparator, threshold, credit_bp, earn_back_periods
            from obligation_terms where tenant_id = \(tenantID) and obligation_id = any(\(records.map(\.id)))
            """, logger: logger)
        for try await (id, from, comparator, threshold, credit, earnBack)
            in rows.decode((UUID, String, String?, Double?, Int, Int?).self) {
            guard let from = CalendarDate(from) else { throw CorruptRow(table: "obligation_terms", id: id) }
            versions[id, default: []].append(ObligationTerms(
                effectiveFrom: from, comparator: comparator.flatMap(ThresholdComparator.init(rawValue:)), threshold: threshold,
                creditBasisPoints: credit, earnBackPeriods: earnBack))
        }
        return records.map { record in
            var record = record
            record.terms = TermsHistory(versions[record.id] ?? [])
            return record
        }
    }

    private func write(_ name: String, _ query: PostgresQuery) async throws -> ObligationRecord {
        do {
            guard let record = try await all(query).first else { throw MissingRow(table: "obligations") }
            return record
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "obligation of this contract", name: name)
        }
    }

    private func all(_ query: PostgresQuery) async throws -> [ObligationRecord] {
        var records: [ObligationRecord] = []
        for try await (id, contract, name, kind, metric, unit, period, due, delivered, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, String, String, String, String?, String, String?, String?, Int64, Date, Date).self) {
            guard let kind = ObligationKind(rawValue: kind), let period = PeriodKind(rawValue: period) else {
                throw CorruptRow(table: "obligations", id: id)
            }
            records.append(ObligationRecord(
                id: id, contractID: contract, name: name, kind: kind, metric: metric, unit: unit, period: period,
                dueDate: due.flatMap { CalendarDate($0) }, deliveredOn: delivered.flatMap { CalendarDate($0) },
                terms: TermsHistory([]), version: version, createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
