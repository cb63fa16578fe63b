import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// Obligations of a contract with versioned terms: a change of threshold, comparator,
/// credit or earn-back applies from a stated period after the last measured one.
extension APIHandler {
    /// Fields in the order a PATCH audits them (`kind` and `period` never change).
    static let obligation = ResourceKind<ObligationStore, Components.Schemas.Obligation>(
        noun: "Obligation", auditType: "obligation",
        fields: [.init("name", \.name), .init("metric", \.metric), .init("unit", \.unit), .init("dueDate", \.dueDate),
                 .init("deliveredOn", \.deliveredOn), .init("terms", \.terms.current)],
        store: { ObligationStore($0.scope) }, render: GovernanceMapping.resource)

    /// What a create audits, in the order it always has: the terms before the dates (a PATCH names
    /// the terms last).
    static let obligationCreateFields = ["name", "kind", "metric", "unit", "period", "terms", "dueDate", "deliveredOn"]

    func listObligations(_ input: Operations.ListObligations.Input) async throws -> Operations.ListObligations.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let contractID = try Self.contract.id(input.path.contractId)
        let page = try await session.run { context in
            guard try await ContractStore(context.scope).find(contractID) != nil else {
                throw APIProblem.notFound("Contract \(input.path.contractId)")
            }
            return try await ObligationStore(context.scope, contract: contractID).page(after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(GovernanceMapping.resource), nextCursor: next))))
    }

    func createObligation(_ input: Operations.CreateObligation.Input) async throws -> Operations.CreateObligation.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let contractID = try Self.contract.id(input.path.contractId)
        let kind = ObligationKind(body.kind)
        let period = PeriodKind(body.period)
        var checks = FieldChecks()
        ObligationRules.check(name: body.name, metric: body.metric, unit: body.unit, &checks)
        let due = body.dueDate.flatMap { CalendarDate($0) }, delivered = body.deliveredOn.flatMap { CalendarDate($0) }
        if kind.isMeasured {
            checks.require(body.comparator != nil, "/comparator", "is required for a measured obligation")
            checks.require(body.threshold != nil, "/threshold", "is required for a measured obligation")
            checks.require(body.dueDate == nil, "/dueDate", "applies to deliverables only")
            checks.require(body.deliveredOn == nil, "/deliveredOn", "applies to deliverables only")
        } else {
            checks.require(body.comparator == nil && body.threshold == nil, "/comparator",
                           "does not apply to a deliverable (met by its delivery date)")
            checks.require(body.earnBackPeriods == nil, "/earnBackPeriods", "does not apply to a deliverable")
            checks.require(due != nil, "/dueDate", "is required for a deliverable, as a calendar date YYYY-MM-DD")
            checks.require(body.deliveredOn == nil || delivered != nil, "/deliveredOn", "must be a calendar date YYYY-MM-DD")
        }
        let terms = ObligationRules.terms(from: .beginning, comparator: body.comparator.map(ThresholdComparator.init),
                                    threshold: body.threshold, creditPercent: body.creditPercent,
                                    earnBackPeriods: body.earnBackPeriods, &checks)
        try checks.throwIfAny()
        guard let terms else { throw APIProblem.internalError }  // nil only with an error noted
        // Not `create`: the contract is locked and its term checked first, and a deliverable is judged after.
        let created = try await idempotentCreate(Operations.CreateObligation.id) { context in
            guard let contract = try await ContractStore(context.scope).find(contractID, lock: true) else {
                throw APIProblem.notFound("Contract \(input.path.contractId)")
            }
            let today = CalendarDate(utcDate: context.environment.now())
            try ObligationRules.checkDeliverableDates(due: due, delivered: delivered, term: (contract.start, contract.end), today: today)
            let now = context.environment.now()
            let record = try await ObligationStore(context.scope).insert(ObligationRecord(
                id: context.environment.newID(), contractID: contractID, name: body.name, kind: kind, metric: body.metric,
                unit: body.unit, period: period, dueDate: due, deliveredOn: delivered, terms: TermsHistory([terms]),
                createdAt: now, updatedAt: now))
            try await audit(context, Operations.CreateObligation.id, Self.obligation.auditType, record.id,
                            changed: Self.obligationCreateFields)
            if !kind.isMeasured {
                let events = try await DeliverableCheck(context.scope).reevaluate(record, today: today, now: now,
                                                                                 newID: context.environment.newID)
                try await audit(context, breachEvents: events)
            }
            return Created(resource: GovernanceMapping.resource(record), location: "/v1/obligations/\(record.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getObligation(_ input: Operations.GetObligation.Input) async throws -> Operations.GetObligation.Output {
        let (obligation, etag) = try await read(Self.obligation, input.path.obligationId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(obligation)))
    }

    func updateObligation(_ input: Operations.UpdateObligation.Input) async throws -> Operations.UpdateObligation.Output {
        let patch: Components.Schemas.ObligationPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let kind = Self.obligation
        let id = try kind.id(input.path.obligationId)
        // Not `update`: new terms are written before the obligation, and a deliverable is judged after.
        let record = try await lockedWrite(kind, input.path.obligationId, id) { context, store, current in
            let keys = context.body.keys
            let today = CalendarDate(utcDate: context.environment.now())
            var checks = FieldChecks()
            var next = current
            next.name = patch.name ?? current.name
            next.metric = patch.metric ?? current.metric
            if keys.contains("unit") { next.unit = patch.unit }
            ObligationRules.check(name: next.name, metric: next.metric, unit: next.unit, &checks)
            if current.kind.isMeasured {
                checks.require(!keys.contains("dueDate"), "/dueDate", "applies to deliverables only")
                checks.require(!keys.contains("deliveredOn"), "/deliveredOn", "applies to deliverables only")
            } else {
                checks.require(patch.comparator == nil && patch.threshold == nil, "/comparator", "does not apply to a deliverable")
                checks.require(patch.earnBackPeriods == nil, "/earnBackPeriods", "does not apply to a deliverable")
                if let text = patch.dueDate {
                    next.dueDate = CalendarDate(text)
                    checks.require(next.dueDate != nil, "/dueDate", "must be a calendar date YYYY-MM-DD")
                }
                if keys.contains("deliveredOn") {
                    next.deliveredOn = patch.deliveredOn.flatMap { CalendarDate($0) }
                    checks.require(patch.deliveredOn == nil || next.deliveredOn != nil, "/deliveredOn", "must be a calendar date YYYY-MM-DD")
                }
            }
            // New terms: the current ones with the patched fields, from `effectiveFrom` on.
            let termKeys = ["comparator", "threshold", "creditPercent", "earnBackPeriods"].filter(keys.contains)
            var newTerms: ObligationTerms?
            if !termKeys.isEmpty, let latest = current.terms.current {
                let from = patch.effectiveFrom.flatMap { MeasurementPeriod(key: $0, kind: current.period) }
                checks.require(patch.effectiveFrom != nil, "/effectiveFrom",
                               "is required with new terms: the first period they apply to (\(current.period.keyFormat))")
                checks.require(patch.effectiveFrom == nil || from != nil, "/effectiveFrom",
                               "must be a \(current.period.rawValue) period, \(current.period.keyFormat)")
                // The fields not patched come from the terms in force at `effectiveFrom`.
                let base = from.flatMap { current.terms.terms(for: $0) } ?? latest
                newTerms = ObligationRules.terms(
                    from: from?.start ?? latest.effectiveFrom,
                    comparator: patch.comparator.map(ThresholdComparator.init) ?? base.comparator,
                    threshold: patch.threshold ?? base.threshold,
                    creditPercent: patch.creditPercent ?? BasisPoints.percent(base.creditBasisPoints),
                    earnBackPeriods: keys.contains("earnBackPeriods") ? patch.earnBackPeriods : base.earnBackPeriods, &checks)
            } else {
                checks.require(patch.effectiveFrom == nil, "/effectiveFrom", "applies only with new terms")
            }
            try checks.throwIfAny()
            if !current.kind.isMeasured, let contract = try await ContractStore(context.scope).find(current.contractID) {
                try ObligationRules.checkDeliverableDates(due: next.dueDate, delivered: next.deliveredOn, term: (contract.start, contract.end),
                                                          today: today)
            }
            if let terms = newTerms, let last = try await store.lastRecordedPeriodStart(of: id), terms.effectiveFrom <= last {
                let lastPeriod = MeasurementPeriod.containing(last, kind: current.period)
                throw ValidationFailure([FieldError(pointer: "/effectiveFrom", detail:
                    "must be after \(lastPeriod), the last period measured or breached: recorded compliance is never rewritten")])
            }
            if let terms = newTerms {
                next.terms = TermsHistory(current.terms.versions.filter { $0.effectiveFrom < terms.effectiveFrom } + [terms])
            }
            let changed = kind.changed(from: current, to: next)
            guard !changed.isEmpty else { return current }
            let now = context.environment.now()
            if let terms = newTerms, next.terms.current != current.terms.current {
                try await store.replaceTerms(of: id, with: terms, at: now)
            }
            // The row comes back with its terms as now stored.
            let updated = try await store.update(next, at: now)
            try await audit(context, Operations.UpdateObligation.id, kind.auditType, id, changed: changed)
            if !current.kind.isMeasured && (next.dueDate != current.dueDate || next.deliveredOn != current.deliveredOn) {
                let events = try await DeliverableCheck(context.scope).reevaluate(updated, today: today, now: now,
                                                                                 newID: context.environment.newID)
                try await audit(context, breachEvents: events)
            }
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(GovernanceMapping.resource(record))))
    }

    func deleteObligation(_ input: Operations.DeleteObligation.Input) async throws -> Operations.DeleteObligation.Output {
        try await delete(Self.obligation, input.path.obligationId, operation: Operations.DeleteObligation.id)
        return .noContent(.init())
    }


    /// Checks terms' fields; returns the terms when they are valid.

    /// A deliverable is due within its contract's term, and cannot have been delivered in the future.

    /// Records breaches opened, restated or withdrawn, attributed to the request's actor or, for
    /// breaches time opened (a deliverable fell due), to the deliverable check.
    func audit(_ context: TenantSession.Context, breachEvents events: [BreachEvent], actor: Actor? = nil) async throws {
        guard !events.isEmpty else { return }
        let entries = events.map { event in
            let operation = switch event.change {
            case .open: "openBreach"
            case .restate: "restateBreach"
            case .withdraw: "withdrawBreach"
            case .none: "none"
            }
            return AuditEntry(actor: actor ?? context.actor, operation: operation, resourceType: "breach", resourceID: event.breachID,
                              requestID: context.requestID, changedFields: event.change == .restate ? ["value"] : [],
                              clientAddress: context.clientAddress)
        }
        try await AuditLog(context.scope).record(entries, ids: entries.map { _ in context.environment.newID() }, at: context.environment.now())
    }
}
