import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored hypercare metric with how long it has held its target.
public struct HypercareMetricRecord: Sendable, Equatable {
    public var id: UUID
    public var transitionID: UUID
    public var name: String
    public var comparator: ThresholdComparator
    public var target: Double
    public var period: PeriodKind
    public var requiredPeriods: Int
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, transitionID: UUID, name: String, comparator: ThresholdComparator, target: Double, period: PeriodKind,
                requiredPeriods: Int, version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.transitionID = transitionID
        self.name = name
        self.comparator = comparator
        self.target = target
        self.period = period
        self.requiredPeriods = requiredPeriods
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One period's value of a hypercare metric.
public struct HypercareValueRecord: Sendable, Equatable {
    public var metricID: UUID
    public var period: MeasurementPeriod
    public var value: Double
    public var met: Bool
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// SQL for `hypercare_metrics` and `hypercare_values`, inside a transaction whose tenant is set.
public struct HypercareStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = "id, transition_id, name, comparator, target, period, required_periods, version, created_at, updated_at"

    public func insert(_ metric: HypercareMetricRecord) async throws -> HypercareMetricRecord {
        try await write(metric, """
            insert into hypercare_metrics (tenant_id, id, transition_id, name, comparator, target, period, required_periods,
                                           created_at, updated_at)
            values (\(tenantID), \(metric.id), \(metric.transitionID), \(metric.name), \(metric.comparator.rawValue), \(metric.target),
                    \(metric.period.rawValue), \(metric.requiredPeriods), \(metric.createdAt), \(metric.updatedAt))
            returning \(unescaped: Self.columns)
            """)
    }

    public func find(_ id: UUID, transition: UUID, lock: Bool = false) async throws -> HypercareMetricRecord? {
        try await all("""
            select \(unescaped: Self.columns) from hypercare_metrics
            where tenant_id = \(tenantID) and transition_id = \(transition) and id = \(id) \(unescaped: lock ? "for update" : "")
            """).first
    }

    /// Every metric of the transition, oldest first (a transition has a handful).
    public func all(of transition: UUID) async throws -> [HypercareMetricRecord] {
        try await all("""
            select \(unescaped: Self.columns) from hypercare_metrics
            where tenant_id = \(tenantID) and transition_id = \(transition) order by id
            """)
    }

    /// Changes the metric; its values are judged again against the new target.
    public func update(_ metric: HypercareMetricRecord, at now: Date) async throws -> HypercareMetricRecord {
        let updated = try await write(metric, """
            update hypercare_metrics set name = \(metric.name), comparator = \(metric.comparator.rawValue), target = \(metric.target),
                required_periods = \(metric.requiredPeriods), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(metric.id)
            returning \(unescaped: Self.columns)
            """)
        try await connection.query("""
            update hypercare_values set met = case when \(metric.comparator.rawValue) = '>=' then value >= \(metric.target)
                                                   else value <= \(metric.target) end
            where tenant_id = \(tenantID) and metric_id = \(metric.id)
            """, logger: logger)
        return updated
    }

    public func delete(_ id: UUID) async throws {
        try await connection.query("delete from hypercare_metrics where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    /// Records a period's value; returns it, whether the period is new, and whether anything was
    /// written (the same value again writes nothing).
    public func record(_ metric: HypercareMetricRecord, period: MeasurementPeriod, value: Double,
                       at now: Date) async throws -> (value: HypercareValueRecord, created: Bool, changed: Bool) {
        let met = metric.comparator.isMet(value, threshold: metric.target)
        let rows = try await connection.query("""
            insert into hypercare_values as v (tenant_id, metric_id, period_start, value, met, created_at, updated_at)
            values (\(tenantID), \(metric.id), \(period.start.description)::date, \(value), \(met), \(now), \(now))
            on conflict (tenant_id, metric_id, period_start) do update
                set value = excluded.value, met = excluded.met, version = v.version + 1, updated_at = excluded.updated_at
                where v.value is distinct from excluded.value
            returning v.value, v.met, v.version, v.created_at, v.updated_at, (xmax = 0)
            """, logger: logger)
        for try await (value, met, version, createdAt, updatedAt, created) in rows.decode((Double, Bool, Int64, Date, Date, Bool).self) {
            return (HypercareValueRecord(metricID: metric.id, period: period, value: value, met: met, version: version,
                                         createdAt: createdAt, updatedAt: updatedAt), created, true)
        }
        // The same value again: nothing was written.
        guard let existing = try await values(of: metric, from: period.start, limit: 1).first else {
            throw CorruptRow(table: "hypercare_values", id: metric.id)
        }
        return (existing, false, false)
    }

    /// The metric's values in period order, from `from` on.
    public func values(of metric: HypercareMetricRecord, from: CalendarDate = .beginning, limit: Int) async throws -> [HypercareValueRecord] {
        var records: [HypercareValueRecord] = []
        let rows = try await connection.query("""
            select to_char(period_start, 'YYYY-MM-DD'), value, met, version, created_at, updated_at from hypercare_values
            where tenant_id = \(tenantID) and metric_id = \(metric.id) and period_start >= \(from.description)::date
            order by period_start limit \(limit)
            """, logger: logger)
        for try await (start, value, met, version, createdAt, updatedAt) in rows.decode((String, Double, Bool, Int64, Date, Date).self) {
            guard let start = CalendarDate(start), let period = MeasurementPeriod(kind: metric.period, start: start) else {
                throw CorruptRow(table: "hypercare_values", id: metric.id)
            }
            records.append(HypercareValueRecord(metricID: metric.id, period: period, value: value, met: met, version: version,
                                                createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }

    /// For each metric, how many periods in a row, ending with the last one over on `today`, met the target.
    public func consecutiveMet(_ metrics: [HypercareMetricRecord], today: CalendarDate) async throws -> [UUID: Int] {
        guard !metrics.isEmpty else { return [:] }
        var outcomes: [UUID: [(period: MeasurementPeriod, met: Bool)]] = [:]
        let kinds = Dictionary(uniqueKeysWithValues: metrics.map { ($0.id, $0.period) })
        // The latest 52 values are enough: no metric needs more periods in a row.
        let rows = try await connection.query("""
            select metric_id, to_char(period_start, 'YYYY-MM-DD'), met from (
                select metric_id, period_start, met,
                       row_number() over (partition by metric_id order by period_start desc) as recent
                from hypercare_values where tenant_id = \(tenantID) and metric_id = any(\(metrics.map(\.id)))) latest
            where recent <= 52
            """, logger: logger)
        for try await (metric, start, met) in rows.decode((UUID, String, Bool).self) {
            guard let kind = kinds[metric], let start = CalendarDate(start), let period = MeasurementPeriod(kind: kind, start: start)
            else { throw CorruptRow(table: "hypercare_values", id: metric) }
            outcomes[metric, default: []].append((period, met))
        }
        return metrics.reduce(into: [:]) { runs, metric in
            runs[metric.id] = HypercareStability.consecutiveMet(
                outcomes[metric.id] ?? [], through: HypercareStability.lastCompleted(metric.period, today: today))
        }
    }

    private func write(_ metric: HypercareMetricRecord, _ query: PostgresQuery) async throws -> HypercareMetricRecord {
        do {
            guard let record = try await all(query).first else { throw CorruptRow(table: "hypercare_metrics", id: metric.id) }
            return record
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "hypercare metric of this transition", name: metric.name)
        }
    }

    private func all(_ query: PostgresQuery) async throws -> [HypercareMetricRecord] {
        var records: [HypercareMetricRecord] = []
        for try await (id, transition, name, comparator, target, period, required, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, String, String, Double, String, Int, Int64, Date, Date).self) {
            guard let comparator = ThresholdComparator(rawValue: comparator), let period = PeriodKind(rawValue: period) else {
                throw CorruptRow(table: "hypercare_metrics", id: id)
            }
            records.append(HypercareMetricRecord(id: id, transitionID: transition, name: name, comparator: comparator,
                                                 target: target, period: period, requiredPeriods: required, version: version,
                                                 createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
