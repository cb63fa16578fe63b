public import Domain
import Foundation
public import Persistence

/// Invoices a closed billing month for every tenant (docs/DOMAIN.md §7), idempotently: a tenant whose
/// period already has an invoice in force keeps it, so running the month again changes nothing.
public enum InvoiceRun {
    /// What the run did for one tenant.
    public enum Outcome: Sendable, Equatable {
        case created(InvoiceRecord)
        /// The period had an invoice already (left as it was).
        case exists(InvoiceRecord)
        /// The tenant's period that starts in the month ends after today.
        case notClosed(BillingPeriod)
        /// No plan was in force during the period.
        case noSubscription
    }

    public struct TenantOutcome: Sendable, Equatable {
        public let tenantID: TenantID
        public let slug: String
        public let outcome: Outcome
    }

    /// Every tenant's period starting in `month` closed before `today`: none closed is refused.
    public struct MonthNotClosed: Error, Equatable {
        public let month: YearMonth
        public let closesOn: CalendarDate
    }

    /// Runs `month` for `tenants`, one transaction per tenant and up to `width` tenants at a time (the
    /// database pool must have that many connections); `issue` issues what it creates. `progress` is
    /// told after each tenant (done, total). The outcomes come back in the order of `tenants`.
    public static func run(month: YearMonth, today: CalendarDate, tenants: [(TenantID, String)], issue: Bool,
                           database: Database, environment: Domain.Environment, width: Int = 1,
                           progress: (Int, Int) -> Void = { _, _ in }) async throws -> [TenantOutcome] {
        // The earliest a period starting in the month can close: anchor day 1.
        let earliest = BillingPeriod(starting: month, anchorDay: BillingPeriod.anchorDays.lowerBound)
        guard earliest.isClosed(today: today) else { throw MonthNotClosed(month: month, closesOn: earliest.end) }
        var outcomes = [Outcome?](repeating: nil, count: tenants.count)
        try await withThrowingTaskGroup(of: (Int, Outcome).self) { group in
            var next = 0
            func startNext() {
                guard next < tenants.count else { return }
                let (index, tenant) = (next, tenants[next].0)
                next += 1
                group.addTask {
                    (index, try await database.tenantTransaction(tenant) { scope in
                        try await invoice(scope, month: month, today: today, issue: issue, environment: environment)
                    })
                }
            }
            for _ in 0..<max(1, width) { startNext() }
            var done = 0
            while let (index, outcome) = try await group.next() {
                outcomes[index] = outcome
                done += 1
                progress(done, tenants.count)
                startNext()
            }
        }
        return zip(tenants, outcomes).map { tenant, outcome in
            TenantOutcome(tenantID: tenant.0, slug: tenant.1, outcome: outcome!)
        }
    }

    /// One tenant's invoice for the period that starts in `month` on its anchor day.
    public static func invoice(_ scope: TenantScope, month: YearMonth, today: CalendarDate, issue: Bool,
                               environment: Domain.Environment) async throws -> Outcome {
        let history = try await SubscriptionStore(scope).history()
        guard let anchor = history.last?.anchorDay else { return .noSubscription }
        let period = BillingPeriod(starting: month, anchorDay: anchor)
        let segments = history.compactMap { stretch -> SubscriptionSegment? in
            let from = max(stretch.startsOn, period.start)
            let until = min(stretch.endsOn ?? period.end, period.end)
            guard from < until else { return nil }
            return SubscriptionSegment(planVersionID: stretch.plan.id.uuidString, terms: stretch.plan.terms, from: from, until: until)
        }
        guard !segments.isEmpty else { return .noSubscription }
        guard period.isClosed(today: today) else { return .notClosed(period) }
        let store = InvoiceStore(scope)
        if let existing = try await store.inForce(periodStart: period.start) { return .exists(existing) }
        let used = try await UsageLedger(scope).use(in: period, today: today)
        guard let draft = try InvoiceCalculation.draft(period: period, segments: segments, usage: used) else { return .noSubscription }
        return .created(try await store.create(draft, period: period, issue: issue, id: environment.newID(), at: environment.now()))
    }
}
