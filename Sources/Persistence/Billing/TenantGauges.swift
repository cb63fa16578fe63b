public import Domain
import Foundation
import PostgresNIO

/// A tenant's use of the gauge metrics right now (docs/DOMAIN.md §7): what the daily samples record,
/// what hard quotas are checked against, and what the usage summary shows for today.
public struct TenantGauges: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// The gauge's current value: projects not completed or cancelled, members active or invited (an
    /// invitation holds a seat), API clients active or disabled (a disabled one can be enabled again).
    public func count(_ metric: BillingMetric) async throws -> Int64 {
        let query: PostgresQuery = switch metric {
        case .activeProjects:
            "select count(*) from projects where tenant_id = \(scope.tenantID) and status in ('proposed', 'active', 'on_hold')"
        case .members:
            "select count(*) from members where tenant_id = \(scope.tenantID) and status in ('invited', 'active')"
        case .apiClients:
            "select count(*) from api_clients where tenant_id = \(scope.tenantID)"
        case .apiRequests:
            preconditionFailure("api_requests is a counter, not a gauge")
        }
        var value: Int64 = 0
        for try await count in try await scope.query(query).decode(Int64.self) { value = count }
        return value
    }
}

/// A write refused because it would take the tenant beyond its plan's hard quota.
public struct QuotaExceeded: Error, Equatable {
    public let metric: BillingMetric
    public let limit: Int64
    public let used: Int64
}

/// Hard quotas on writes (docs/DOMAIN.md §7): before a write adds to a gauge, `require` locks the
/// tenant's subscription row, so quota-checked writes of one tenant run one at a time (two creates
/// racing for the last unit: the second counts the first's row and is refused), then counts.
public struct QuotaGuard: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// Throws `QuotaExceeded` when adding `units` to `metric` would go beyond the hard quota of the
    /// plan in force on `today`; no quota (or no subscription in force): nothing to check.
    public func require(_ metric: BillingMetric, adding units: Int64 = 1, today: CalendarDate) async throws {
        var planID: UUID?
        for try await id in try await scope.query("""
            select plan_id from subscriptions
            where tenant_id = \(scope.tenantID) and starts_on <= \(today) and (ends_on is null or ends_on > \(today))
            for update
            """).decode(UUID.self) { planID = id }
        guard let planID,
              let plan = try await PlanStore(connection: scope.connection, logger: scope.logger).find(id: planID),
              let limit = plan.terms.terms(for: metric).hardQuota
        else { return }
        let used = try await TenantGauges(scope).count(metric)
        if used + units > limit { throw QuotaExceeded(metric: metric, limit: limit, used: used) }
    }
}
