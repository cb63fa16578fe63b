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

    /// Runs `month` for `tenants` (slug order), one transaction per tenant; `issue` issues what it
    /// creates. `progress` is told after each tenant (done, total).
    public static func run(month: YearMonth, today: CalendarDate, tenants: [(TenantID, String)], issue: Bool,
                           database: Database, environment: Domain.Environment,
                           progress: (Int, Int) -> Void = { _, _ in }) async throws -> [TenantOutcome] {
        // The earliest a period starting in the month can close: anchor day 1.
        let earliest = BillingPeriod(starting: month, anchorDay: BillingPeriod.anchorDays.lowerBound)
        guard earliest.isClosed(today: today) else { throw MonthNotClosed(month: month, closesOn: earliest.end) }
        var outcomes: [TenantOutcome] = []
        for (index, (tenant, slug)) in tenants.enumerated() {
            let outcome = try await database.tenantTransaction(tenant) { scope in
                try await invoice(scope, month: month, today: today, issue: issue, environment: environment)
            }
            outcomes.append(TenantOutcome(tenantID: tenant, slug: slug, outcome: outcome))
            progress(index + 1, tenants.count)
        }
        return outcomes
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
        let now = environment.now()
        var invoice = try await store.createDraft(draft, period: period, id: environment.newID(), at: now)
        if issue, let issued = try await store.issue(invoice.id, at: now) { invoice = issued }
        return .created(invoice)
    }
}
