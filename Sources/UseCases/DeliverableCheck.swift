public import Domain
public import Foundation
import Logging
public import Persistence
import PostgresNIO

/// Breaches of deliverables (docs/DOMAIN.md §5): a deliverable is breached when delivered after its due
/// date, or not delivered by the end of it. Judged for "today" by the daily check and before every
/// read of breaches, compliance or credits, and again whenever a due or delivery date changes.
public struct DeliverableCheck: Sendable {
    let scope: TenantScope

    /// Who the audit log says opened a breach because a due date passed.
    public static let auditActor = "deliverable-check"

    public init(_ scope: TenantScope) { self.scope = scope }

    /// Opens the breaches of deliverables that fell due before `today` undelivered.
    public func openOverdue(today: CalendarDate, now: Date, newID: () -> UUID) async throws -> [BreachEvent] {
        let overdue = try await ObligationStore(scope).overdueDeliverables(on: today)
        let breaches = overdue.compactMap { obligation -> NewBreach? in
            guard let period = obligation.duePeriod, let terms = obligation.terms.terms(for: period) else { return nil }
            return NewBreach(id: newID(), contractID: obligation.contractID, obligationID: obligation.id, period: period,
                             value: nil, terms: terms)
        }
        return try await BreachStore(scope).open(breaches, at: now).sorted { $0.uuidString < $1.uuidString }.map { BreachEvent(breachID: $0, change: .open) }
    }

    /// Re-judges one deliverable after its dates changed: a breach of another period (the due date
    /// moved) goes, the due period's breach opens or goes. Throws when a credited breach would go.
    public func reevaluate(_ obligation: ObligationRecord, today: CalendarDate, now: Date,
                           newID: () -> UUID) async throws -> [BreachEvent] {
        guard let due = obligation.dueDate, let period = obligation.duePeriod,
              let terms = obligation.terms.terms(for: period) else { return [] }
        let store = BreachStore(scope)
        var events: [BreachEvent] = []
        var withdrawn: [UUID] = []
        var current: BreachRecord?
        for breach in try await store.all(of: obligation.id) {
            if breach.period == period { current = breach; continue }
            guard breach.status != .credited else { throw CreditedBreachCorrection() }
            withdrawn.append(breach.id)
        }
        switch try MeasurementEvaluation.decideDeliverable(due: due, deliveredOn: obligation.deliveredOn, today: today,
                                                           breach: current?.status) {
        case .none, .restate: break
        case .open:
            let opened = try await store.open([NewBreach(id: newID(), contractID: obligation.contractID,
                                                         obligationID: obligation.id, period: period, value: nil, terms: terms)],
                                              at: now)
            events += opened.map { BreachEvent(breachID: $0, change: .open) }
        case .withdraw: withdrawn.append(current!.id)
        }
        try await store.withdraw(withdrawn)
        return withdrawn.map { BreachEvent(breachID: $0, change: .withdraw) } + events
    }

    /// The daily check over every tenant: each tenant with an overdue deliverable gets its breaches
    /// opened in a transaction of its own (row-level security applies as to any request), audited
    /// as the check's. One tenant's failure does not hold up the others (the first is rethrown at
    /// the end). Returns how many breaches it opened.
    @discardableResult
    public static func sweep(_ database: Database, today: CalendarDate, now: Date, newID: @escaping @Sendable () -> UUID) async throws -> Int {
        var tenants: [TenantID] = []
        let rows = try await database.query(
            "select pmo.tenants_with_overdue_deliverables(\(today))")
        for try await tenant in rows.decode(TenantID.self) { tenants.append(tenant) }
        var opened = 0
        var failure: (any Error)?
        for tenant in tenants {
            do {
                opened += try await openOverdue(in: tenant, database, today: today, now: now, newID: newID)
            } catch {
                database.logger.error("deliverable check failed for a tenant",
                                      metadata: ["tenant": "\(tenant)", "error": "\(String(reflecting: error))"])
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return opened
    }

    private static func openOverdue(in tenant: TenantID, _ database: Database, today: CalendarDate, now: Date,
                                    newID: @escaping @Sendable () -> UUID) async throws -> Int {
        try await database.tenantTransaction(tenant) { scope in
            let events = try await DeliverableCheck(scope).openOverdue(today: today, now: now, newID: newID)
            let entries = events.map {
                AuditEntry(actor: .system(auditActor), operation: "openBreach", resourceType: "breach", resourceID: $0.breachID,
                           requestID: nil, changedFields: [])
            }
            try await AuditLog(scope).record(entries, ids: entries.map { _ in newID() }, at: now)
            return events.count
        }
    }
}
