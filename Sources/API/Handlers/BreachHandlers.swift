import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// Breaches: listed by contract, obligation, month and status; waived with a decision
/// reference and a reason, credited, or reinstated. Deliverables that fell due undelivered are
/// judged before every read, so a breach never waits for the daily check to be seen.
extension APIHandler {
    func listBreaches(_ input: Operations.ListBreaches.Input) async throws -> Operations.ListBreaches.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        // A text that is no UUID is malformed (400); a month such as 2026-13 has the contract's shape
        // but names no month (422).
        var malformed: [FieldError] = []
        let contract = Self.queryID(input.query.contractId, "/contractId", &malformed)
        let obligation = Self.queryID(input.query.obligationId, "/obligationId", &malformed)
        guard malformed.isEmpty else { throw APIProblem.badRequest("Invalid query parameters.", errors: malformed) }
        let month = try input.query.month.map { text throws(ValidationFailure) in
            guard let month = YearMonth(text) else { throw ValidationFailure([FieldError(pointer: "/month", detail: "must be a month YYYY-MM")]) }
            return month
        }
        let filter = BreachFilter(contractID: contract, obligationID: obligation, month: month,
                                  status: input.query.status.map(BreachStatus.init))
        let page = try await session.run { context in
            try await refreshDeliverables(context)
            return try await BreachStore(context.scope).list(filter, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(GovernanceMapping.resource), nextCursor: next))))
    }

    static let breach = ResourceKind<BreachStore, Components.Schemas.Breach>(
        noun: "Breach", auditType: "breach",
        fields: [.init("status", \.status), .init("decisionReference", \.decisionReference), .init("reason", \.reason),
                 .init("creditReference", \.creditReference)],
        store: { BreachStore($0.scope) }, render: GovernanceMapping.resource)

    func getBreach(_ input: Operations.GetBreach.Input) async throws -> Operations.GetBreach.Output {
        let (breach, etag) = try await read(Self.breach, input.path.breachId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(breach)))
    }

    func updateBreach(_ input: Operations.UpdateBreach.Input) async throws -> Operations.UpdateBreach.Output {
        let patch: Components.Schemas.BreachPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        _ = try Self.breach.id(input.path.breachId)  // a malformed id is 404 before the body's checks
        let target = BreachStatus(patch.status)
        var checks = FieldChecks()
        checks.requireName(patch.decisionReference, at: "/decisionReference")
        checks.requireText(patch.reason, maxLength: 2000, at: "/reason")
        checks.requireName(patch.creditReference, at: "/creditReference")
        if target == .waived {
            checks.require(patch.decisionReference != nil, "/decisionReference", "is required to waive a breach")
            checks.require(patch.reason != nil, "/reason", "is required to waive a breach")
        } else {
            checks.require(patch.decisionReference == nil, "/decisionReference", "applies only to a waiver")
            checks.require(patch.reason == nil, "/reason", "applies only to a waiver")
        }
        checks.require(target == .credited || patch.creditReference == nil, "/creditReference", "applies only to a credit")
        try checks.throwIfAny()
        // The audit log names what the change does (these are not operations of the API).
        let operation = switch target {
        case .waived: "waiveBreach"
        case .credited: "creditBreach"
        case .open: "reinstateBreach"
        }
        let (breach, etag) = try await update(Self.breach, input.path.breachId, operation: operation) { _, current, _ in
            // The same status again changes nothing (whatever the references say).
            guard target != current.status else { return current }
            guard current.status.allowedNext.contains(target) else {
                throw APIProblem(status: 409, type: "illegal-transition", title: "Status change not allowed",
                                 detail: "A breach cannot move from \(current.status.rawValue) to \(target.rawValue).",
                                 allowed: current.status.allowedNext.map(\.rawValue))
            }
            var next = current
            next.status = target
            next.decisionReference = patch.decisionReference
            next.reason = patch.reason
            next.creditReference = target == .credited ? patch.creditReference : nil
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(breach)))
    }

    /// An optional UUID query parameter; a malformed one is noted in `errors`.
    static func queryID(_ text: String?, _ pointer: String, _ errors: inout [FieldError]) -> UUID? {
        guard let text else { return nil }
        guard let id = UUID(uuidString: text) else {
            errors.append(FieldError(pointer: pointer, detail: "must be a UUID"))
            return nil
        }
        return id
    }

    /// Opens the breaches of deliverables that fell due undelivered (as the hourly check does), in the
    /// reading request's transaction, once per tenant and day; the audit log names the check, not the reader.
    func refreshDeliverables(_ context: TenantSession.Context) async throws {
        let now = context.environment.now()
        let today = CalendarDate(utcDate: now)
        guard deliverableRefreshes.claim(context.tenantID, today: today) else { return }
        let events = try await DeliverableCheck(context.scope).openOverdue(today: today, now: now, newID: context.environment.newID)
        try await audit(context, breachEvents: events, actor: .system(DeliverableCheck.auditActor))
    }
}
