public import Domain
public import Foundation
public import PostgresNIO

/// A stored measurement and the breach of its period, if any.
public struct MeasurementRecord: VersionedRow, Equatable {
    public var id: UUID
    public var obligationID: UUID
    public var period: MeasurementPeriod
    public var value: Double
    public var met: Bool
    public var breachID: UUID?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// A value to write for one obligation and period, decided already.
public struct MeasurementWrite: Sendable {
    public var id: UUID
    public var obligationID: UUID
    public var period: MeasurementPeriod
    public var value: Double
    public var met: Bool

    public init(id: UUID, obligationID: UUID, period: MeasurementPeriod, value: Double, met: Bool) {
        self.id = id
        self.obligationID = obligationID
        self.period = period
        self.value = value
        self.met = met
    }
}

/// An obligation and the first day of one of its periods.
public struct PeriodKey: Hashable, Sendable {
    public var obligationID: UUID
    public var start: CalendarDate

    public init(_ obligationID: UUID, _ start: CalendarDate) {
        self.obligationID = obligationID
        self.start = start
    }
}

/// `measurements` and their revisions (`measurement_revisions`): one value per obligation and period.
public struct MeasurementStore: TenantTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "measurements"
    public static let columnsReadOtherTables = true
    /// The period's kind is the obligation's, the breach is the period's (statements name the table
    /// without an alias, so that the subqueries can refer to it).
    public static let columns = """
        id, obligation_id,
        (select o.period from obligations o where o.tenant_id = measurements.tenant_id and o.id = measurements.obligation_id),
        period_start, value, met,
        (select b.id from breaches b where b.tenant_id = measurements.tenant_id and b.obligation_id = measurements.obligation_id
         and b.period_start = measurements.period_start), version, created_at, updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> MeasurementRecord {
        let (id, obligation, kind, start, value, met, breach, version, createdAt, updatedAt) = try row.decode(
            (UUID, UUID, String, CalendarDate, Double, Bool, UUID?, Int64, Date, Date).self)
        guard let kind = PeriodKind(rawValue: kind), let period = MeasurementPeriod(kind: kind, start: start) else {
            throw corrupt(id)
        }
        return MeasurementRecord(id: id, obligationID: obligation, period: period, value: value, met: met, breachID: breach,
                                 version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// The measurements already recorded for `keys`.
    public func existing(_ keys: [PeriodKey]) async throws -> [PeriodKey: MeasurementRecord] {
        let records = try await rows("""
            select \(unescaped: Self.columns) from measurements
            where tenant_id = \(tenantID) and (obligation_id, period_start) in
                (select * from unnest(\(keys.map(\.obligationID))::uuid[], \(keys.map(\.start.description))::date[]))
            """)
        return Dictionary(uniqueKeysWithValues: records.map { (PeriodKey($0.obligationID, $0.period.start), $0) })
    }

    public func find(_ key: PeriodKey) async throws -> MeasurementRecord? {
        try await rows("""
            select \(unescaped: Self.columns) from measurements
            where tenant_id = \(tenantID) and obligation_id = \(key.obligationID) and period_start = \(key.start)
            """).first
    }

    /// The obligation's measurements in period order, after the measurement `after` (a page's cursor).
    public func list(obligation: UUID, after: UUID?, limit: Int) async throws -> [MeasurementRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from measurements
            where tenant_id = \(tenantID) and obligation_id = \(obligation)
              and period_start > coalesce((select c.period_start from measurements c
                                           where c.tenant_id = \(tenantID) and c.obligation_id = \(obligation) and c.id = \(after)),
                                          '0001-01-01'::date)
            order by period_start limit \(limit)
            """)
    }

    /// Inserts new periods and corrects existing ones in one statement, keeping each value in the
    /// revision trail; returns the rows as written (an existing row keeps its id), without their breaches.
    public func record(_ writes: [MeasurementWrite], requestID: String?, at now: Date) async throws -> [MeasurementRecord] {
        guard !writes.isEmpty else { return [] }
        // Two statements, not one with data-modifying CTEs: Citus routes each multi-row insert of one
        // tenant's rows to its shard (docs/ARCHITECTURE.md, "Citus-ready queries").
        var values = MultiRowInsert(into: "measurements as m", columns: [
            "tenant_id", "id", "obligation_id", "period_start", "period_end", "value", "met", "created_at", "updated_at"])
        let tenant = try values.shared(tenantID)
        let stamp = try values.shared(now)
        for write in writes {
            try values.row { row in
                row.cite(tenant); try row.bind(write.id); try row.bind(write.obligationID); try row.bind(write.period.start)
                try row.bind(write.period.end); try row.bind(write.value); try row.bind(write.met)
                row.cite(stamp); row.cite(stamp)
            }
        }
        let rows = try await scope.query(values.query(then: """
            on conflict (tenant_id, obligation_id, period_start) do update
                set value = excluded.value, met = excluded.met, version = m.version + 1, updated_at = excluded.updated_at
            returning m.id, m.obligation_id, m.period_start, m.value, m.met, m.version, m.created_at, m.updated_at
            """)).collect()
        var trail = MultiRowInsert(into: "measurement_revisions", columns: [
            "tenant_id", "obligation_id", "period_start", "revision", "value", "met", "request_id", "recorded_at"])
        let trailTenant = try trail.shared(tenantID)
        let trailRequest = try trail.shared(requestID)
        let trailStamp = try trail.shared(now)
        let kinds = Dictionary(writes.map { ($0.obligationID, $0.period.kind) }, uniquingKeysWith: { first, _ in first })
        var records: [MeasurementRecord] = []
        for row in rows {
            let (id, obligation, start, value, met, version, createdAt, updatedAt) = try row.decode(
                (UUID, UUID, CalendarDate, Double, Bool, Int64, Date, Date).self)
            guard let kind = kinds[obligation], let period = MeasurementPeriod(kind: kind, start: start) else { throw Self.corrupt(id) }
            records.append(MeasurementRecord(id: id, obligationID: obligation, period: period, value: value, met: met,
                                             breachID: nil, version: version, createdAt: createdAt, updatedAt: updatedAt))
            try trail.row { cells in
                cells.cite(trailTenant); try cells.bind(obligation); try cells.bind(start); try cells.bind(version)
                try cells.bind(value); try cells.bind(met); cells.cite(trailRequest); cells.cite(trailStamp)
            }
        }
        if !trail.isEmpty { try await scope.query(trail.query()) }
        return records
    }

    /// Met or not for each measured period of `obligations` starting in [from, to] (compliance, earn-back).
    public func outcomes(of obligations: [UUID], from: CalendarDate, to: CalendarDate) async throws -> [PeriodKey: (value: Double, met: Bool)] {
        var outcomes: [PeriodKey: (value: Double, met: Bool)] = [:]
        let rows = try await scope.query("""
            select obligation_id, period_start, value, met from measurements
            where tenant_id = \(tenantID) and obligation_id = any(\(obligations))
              and period_start between \(from) and \(to)
            """)
        for try await (obligation, start, value, met) in rows.decode((UUID, CalendarDate, Double, Bool).self) {
            outcomes[PeriodKey(obligation, start)] = (value, met)
        }
        return outcomes
    }
}
