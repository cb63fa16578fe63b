public import Domain
public import Foundation
public import Persistence

/// A tenant's current billing period: the plan in force, each metric's use so far and projected, and
/// the usage alerts of the period (docs/DOMAIN.md §7).
public struct PeriodUsage: Sendable {
    public let period: BillingPeriod
    public let plan: PlanVersion
    public let metrics: [MetricUsage]
    public let alerts: [(alert: UsageAlert, recordedAt: Date)]

    /// The base fee plus the projected overage: what the period's invoice comes to if use goes on as
    /// it has (a plan change later in the period is not foreseen).
    public var projectedTotal: Int64 { plan.terms.baseFee + metrics.reduce(0) { $0 + $1.projectedAmount } }

    /// Reads the period `today` falls in and records the alerts it has crossed (once each: the
    /// hourly sample and every read may find them); nil before the tenant's subscription starts.
    public static func current(_ scope: TenantScope, today: CalendarDate, now: Date,
                               newID: () -> UUID) async throws -> PeriodUsage? {
        guard let subscription = try await SubscriptionStore(scope).inForce(on: today) else { return nil }
        let period = BillingPeriod(containing: today, anchorDay: subscription.anchorDay)
        let ledger = UsageLedger(scope)
        let used = try await ledger.use(in: period, today: today)
        let metrics = UsageProjection.summary(period: period, today: today, terms: subscription.plan.terms, used: used)
        try await ledger.record(UsageProjection.alerts(metrics), period: period, at: now, newID: newID)
        return PeriodUsage(period: period, plan: subscription.plan, metrics: metrics, alerts: try await ledger.alerts(in: period))
    }
}
