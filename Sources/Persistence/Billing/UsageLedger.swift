public import Domain
public import Foundation
import PostgresNIO

/// A tenant's use of each metric in a billing period (docs/DOMAIN.md §7): the calls counted by the
/// meter, the daily gauge samples, and the alerts recorded for the period.
public struct UsageLedger: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// Calls answered 2xx to 4xx are billable; a 5xx is the platform's failure, and a request refused
    /// for the rate limit is not metered at all.
    static let billableStatusClasses: [Int16] = [2, 3, 4]

    /// Each metric's quantity in `period` up to `today`: the calls so far, each gauge's highest daily
    /// sample, and (while the period runs) the gauges' values right now.
    public func use(in period: BillingPeriod, today: CalendarDate) async throws -> [BillingMetric: Int64] {
        var used: [BillingMetric: Int64] = [:]
        for try await calls in try await scope.query("""
            select coalesce(sum(calls), 0)::bigint from usage_counters
            where tenant_id = \(scope.tenantID) and day >= \(period.start) and day < \(period.end)
              and status_class = any(\(Self.billableStatusClasses))
            """).decode(Int64.self) { used[.apiRequests] = calls }
        for try await (metric, value) in try await scope.query("""
            select metric, max(value) from usage_gauges
            where tenant_id = \(scope.tenantID) and day >= \(period.start) and day < \(period.end)
            group by metric
            """).decode((String, Int64).self) {
            if let metric = BillingMetric(rawValue: metric) { used[metric] = value }
        }
        if period.contains(today) {
            let gauges = TenantGauges(scope)
            for metric in BillingMetric.allCases where metric.isGauge {
                used[metric] = max(used[metric] ?? 0, try await gauges.count(metric))
            }
        }
        return used
    }

    /// Samples the gauges for `day` (a day keeps its highest sample).
    public func sample(on day: CalendarDate) async throws {
        let gauges = TenantGauges(scope)
        var insert = MultiRowInsert(into: "usage_gauges", columns: ["tenant_id", "day", "metric", "value"])
        let tenant = try insert.shared(scope.tenantID)
        let sampled = try insert.shared(day)
        for metric in BillingMetric.allCases where metric.isGauge {
            let value = try await gauges.count(metric)
            try insert.row { row in
                row.cite(tenant)
                row.cite(sampled)
                try row.bind(metric.rawValue)
                try row.bind(value)
            }
        }
        try await scope.query(insert.query(
            then: "on conflict (tenant_id, day, metric) do update set value = greatest(usage_gauges.value, excluded.value)"))
    }

    /// Records the alerts not recorded yet for the period, and audits each one recorded now; returns those.
    @discardableResult
    public func record(_ alerts: [UsageAlert], period: BillingPeriod, at now: Date, newID: () -> UUID) async throws -> [UsageAlert] {
        var recorded: [UsageAlert] = []
        for alert in alerts {
            let rows = try await scope.query("""
                insert into usage_alerts (tenant_id, period_start, metric, threshold, used, included, recorded_at)
                values (\(scope.tenantID), \(period.start), \(alert.metric.rawValue), \(Int16(alert.threshold)), \(alert.used),
                        \(alert.included), \(now))
                on conflict do nothing
                returning metric
                """)
            for try await _ in rows { recorded.append(alert) }
        }
        let audit = AuditLog(scope)
        for alert in recorded {
            try await audit.record(
                AuditEntry(actor: .system("usage-alerts"), operation: "usageAlert\(alert.threshold)",
                           resourceType: "usage_alert", resourceID: scope.tenantID.uuid, requestID: nil,
                           changedFields: [alert.metric.rawValue]),
                id: newID(), at: now)
        }
        return recorded
    }

    /// The alerts recorded for the period, with when.
    public func alerts(in period: BillingPeriod) async throws -> [(alert: UsageAlert, recordedAt: Date)] {
        var alerts: [(UsageAlert, Date)] = []
        for try await (metric, threshold, used, included, at) in try await scope.query("""
            select metric, threshold, used, included, recorded_at from usage_alerts
            where tenant_id = \(scope.tenantID) and period_start = \(period.start)
            order by recorded_at, metric, threshold
            """).decode((String, Int16, Int64, Int64, Date).self) {
            guard let metric = BillingMetric(rawValue: metric) else { continue }
            alerts.append((UsageAlert(metric: metric, threshold: Int(threshold), used: used, included: included), at))
        }
        return alerts
    }

    /// The tenants in service (for the hourly sample across tenants).
    public static func tenantsInService(_ database: Database) async throws -> [TenantID] {
        var tenants: [TenantID] = []
        for try await id in try await database.query("select * from pmo.tenants_in_service()").decode(TenantID.self) {
            tenants.append(id)
        }
        return tenants
    }
}
