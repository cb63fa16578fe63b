public import Domain
public import Foundation
public import PostgresNIO

/// A stored hypercare metric with how long it has held its target.
public struct HypercareMetricRecord: VersionedRow, Equatable {
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

/// `hypercare_metrics` and their values per period (`hypercare_values`). Bound to a transition
/// (`transition`), the common statements see its metrics only.
public struct HypercareStore: UpdatableTable {
    public let scope: TenantScope
    public let transition: UUID?
    public init(_ scope: TenantScope) { self.init(scope, transition: nil) }
    public init(_ scope: TenantScope, transition: UUID?) {
        self.scope = scope
        self.transition = transition
    }

    public var parent: (column: String, id: UUID)? { transition.map { ("transition_id", $0) } }

    public static let table = "hypercare_metrics"
    public static let columns = "id, transition_id, name, comparator, target, period, required_periods, version, created_at, updated_at"

    public static func decode(_ row: PostgresRow) throws -> HypercareMetricRecord {
        let (id, transition, name, comparator, target, period, required, version, createdAt, updatedAt) = try row.decode(
            (UUID, UUID, String, String, Double, String, Int, Int64, Date, Date).self)
        guard let comparator = ThresholdComparator(rawValue: comparator), let period = PeriodKind(rawValue: period) else {
            throw corrupt(id)
        }
        return HypercareMetricRecord(id: id, transitionID: transition, name: name, comparator: comparator, target: target,
                                     period: period, requiredPeriods: required, version: version, createdAt: createdAt,
                                     updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: HypercareMetricRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "hypercare metric of this transition", name: row.name) : nil
    }

    public func insert(_ metric: HypercareMetricRecord) async throws -> HypercareMetricRecord {
        try await write("""
            insert into hypercare_metrics (tenant_id, id, transition_id, name, comparator, target, period, required_periods,
                                           created_at, updated_at)
            values (\(tenantID), \(metric.id), \(metric.transitionID), \(metric.name), \(metric.comparator.rawValue), \(metric.target),
                    \(metric.period.rawValue), \(metric.requiredPeriods), \(metric.createdAt), \(metric.updatedAt))
            returning \(unescaped: Self.columns)
            """, metric)
    }

    /// Every metric of the transition, oldest first (a transition has a handful).
    public func all(of transition: UUID) async throws -> [HypercareMetricRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from hypercare_metrics
            where tenant_id = \(tenantID) and transition_id = \(transition) order by id
            """)
    }

    /// Changes the metric; its values are judged again against the new target.
    public func update(_ metric: HypercareMetricRecord, at now: Date) async throws -> HypercareMetricRecord {
        let updated = try await write("""
            update hypercare_metrics set name = \(metric.name), comparator = \(metric.comparator.rawValue), target = \(metric.target),
                required_periods = \(metric.requiredPeriods), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(metric.id)
            returning \(unescaped: Self.columns)
            """, metric)
        try await scope.query("""
            update hypercare_values set met = case when \(metric.comparator.rawValue) = '>=' then value >= \(metric.target)
                                                   else value <= \(metric.target) end
            where tenant_id = \(tenantID) and metric_id = \(metric.id)
            """)
        return updated
    }

    /// Records a period's value; returns it, whether the period is new, and whether anything was
    /// written (the same value again writes nothing).
    public func record(_ metric: HypercareMetricRecord, period: MeasurementPeriod, value: Double,
                       at now: Date) async throws -> (value: HypercareValueRecord, created: Bool, changed: Bool) {
        let met = metric.comparator.isMet(value, threshold: metric.target)
        let rows = try await scope.query("""
            insert into hypercare_values as v (tenant_id, metric_id, period_start, value, met, created_at, updated_at)
            values (\(tenantID), \(metric.id), \(period.start), \(value), \(met), \(now), \(now))
            on conflict (tenant_id, metric_id, period_start) do update
                set value = excluded.value, met = excluded.met, version = v.version + 1, updated_at = excluded.updated_at
                where v.value is distinct from excluded.value
            returning v.value, v.met, v.version, v.created_at, v.updated_at, (xmax = 0)
            """)
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
        let rows = try await scope.query("""
            select to_char(period_start, 'YYYY-MM-DD'), value, met, version, created_at, updated_at from hypercare_values
            where tenant_id = \(tenantID) and metric_id = \(metric.id) and period_start >= \(from)
            order by period_start limit \(limit)
            """)
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
        let rows = try await scope.query("""
            select metric_id, to_char(period_start, 'YYYY-MM-DD'), met from (
                select metric_id, period_start, met,
                       row_number() over (partition by metric_id order by period_start desc) as recent
                from hypercare_values where tenant_id = \(tenantID) and metric_id = any(\(metrics.map(\.id)))) latest
            where recent <= 52
            """)
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
}
