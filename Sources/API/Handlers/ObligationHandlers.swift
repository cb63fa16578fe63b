import APIDefinition
import Domain
import Foundation
import Persistence

/// Obligations of a contract with versioned terms: a change of threshold, comparator,
/// credit or earn-back applies from a stated period after the last measured one.
extension APIHandler {
    func listObligations(_ input: Operations.ListObligations.Input) async throws -> Operations.ListObligations.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let contractID = try Self.resourceID(input.path.contractId, "Contract")
        let page = try await session.run { context in
            guard try await contracts(context).find(contractID) != nil else { throw APIProblem.notFound("Contract \(input.path.contractId)") }
            return try await obligations(context).list(contract: contractID, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(GovernanceMapping.resource), nextCursor: next))))
    }

    func createObligation(_ input: Operations.CreateObligation.Input) async throws -> Operations.CreateObligation.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let contractID = try Self.resourceID(input.path.contractId, "Contract")
        let kind = ObligationKind(rawValue: body.kind.rawValue)!
        let period = PeriodKind(rawValue: body.period.rawValue)!
        var checks = FieldChecks()
        Self.checkObligationText(name: body.name, metric: body.metric, unit: body.unit, &checks)
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
        let terms = Self.checkTerms(from: .beginning, comparator: body.comparator.map { ThresholdComparator(rawValue: $0.rawValue)! },
                                    threshold: body.threshold, creditPercent: body.creditPercent,
                                    earnBackPeriods: body.earnBackPeriods, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateObligation.id) { context in
            guard let contract = try await contracts(context).find(contractID, lock: true) else {
                throw APIProblem.notFound("Contract \(input.path.contractId)")
            }
            let today = CalendarDate(utcDate: context.environment.now())
            try Self.checkDeliverableDates(due: due, delivered: delivered, contract: contract, today: today)
            let now = context.environment.now()
            let record = try await obligations(context).insert(ObligationRecord(
                id: context.environment.newID(), contractID: contractID, name: body.name, kind: kind, metric: body.metric,
                unit: body.unit, period: period, dueDate: due, deliveredOn: delivered, terms: TermsHistory([terms!]),
                createdAt: now, updatedAt: now))
            try await audit(context, "createObligation", "obligation", record.id,
                            changed: ["name", "kind", "metric", "unit", "period", "terms", "dueDate", "deliveredOn"])
            if !kind.isMeasured {
                let events = try await deliverables(context).reevaluate(record, today: today, now: now, newID: context.environment.newID)
                try await audit(context, breachEvents: events)
            }
            return Created(resource: GovernanceMapping.resource(record),
                           location: "/v1/obligations/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getObligation(_ input: Operations.GetObligation.Input) async throws -> Operations.GetObligation.Output {
        let id = try Self.resourceID(input.path.obligationId, "Obligation")
        let record = try await session.run { context in try await obligations(context).find(id) }
        guard let record else { throw APIProblem.notFound("Obligation \(input.path.obligationId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(GovernanceMapping.resource(record))))
    }

    func updateObligation(_ input: Operations.UpdateObligation.Input) async throws -> Operations.UpdateObligation.Output {
        let patch: Components.Schemas.ObligationPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.obligationId, "Obligation")
        let record = try await lockedWrite("Obligation \(input.path.obligationId)",
                                           find: { try await obligations($0).find(id, lock: true) },
                                           version: \.version) { context, current in
            let keys = JSONPresence(rawBody: context.rawBody).keys
            let today = CalendarDate(utcDate: context.environment.now())
            var checks = FieldChecks()
            var next = current
            next.name = patch.name ?? current.name
            next.metric = patch.metric ?? current.metric
            if keys.contains("unit") { next.unit = patch.unit }
            Self.checkObligationText(name: next.name, metric: next.metric, unit: next.unit, &checks)
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
                newTerms = Self.checkTerms(
                    from: from?.start ?? latest.effectiveFrom,
                    comparator: patch.comparator.map { ThresholdComparator(rawValue: $0.rawValue)! } ?? base.comparator,
                    threshold: patch.threshold ?? base.threshold,
                    creditPercent: patch.creditPercent ?? BasisPoints.percent(base.creditBasisPoints),
                    earnBackPeriods: keys.contains("earnBackPeriods") ? patch.earnBackPeriods : base.earnBackPeriods, &checks)
            } else {
                checks.require(patch.effectiveFrom == nil, "/effectiveFrom", "applies only with new terms")
            }
            try checks.throwIfAny()
            if !current.kind.isMeasured, let contract = try await contracts(context).find(current.contractID) {
                try Self.checkDeliverableDates(due: next.dueDate, delivered: next.deliveredOn, contract: contract, today: today)
            }
            if let terms = newTerms, let last = try await obligations(context).lastRecordedPeriodStart(of: id),
               terms.effectiveFrom <= last {
                let lastPeriod = MeasurementPeriod.containing(last, kind: current.period)
                throw ValidationFailure([FieldError(pointer: "/effectiveFrom", detail:
                    "must be after \(lastPeriod), the last period measured or breached: recorded compliance is never rewritten")])
            }
            let termsChanged = newTerms.map { $0 != current.terms.current } ?? false
            let changed = Self.changedFields([
                ("name", next.name != current.name), ("metric", next.metric != current.metric), ("unit", next.unit != current.unit),
                ("dueDate", next.dueDate != current.dueDate), ("deliveredOn", next.deliveredOn != current.deliveredOn),
                ("terms", termsChanged)])
            guard !changed.isEmpty else { return current }
            let now = context.environment.now()
            if termsChanged, let terms = newTerms { try await obligations(context).replaceTerms(of: id, with: terms, at: now) }
            var updated = try await obligations(context).update(next, at: now)
            if termsChanged { updated = try await obligations(context).find(id) ?? updated }
            try await audit(context, "updateObligation", "obligation", id, changed: changed)
            if !current.kind.isMeasured && (next.dueDate != current.dueDate || next.deliveredOn != current.deliveredOn) {
                let events = try await deliverables(context).reevaluate(updated, today: today, now: now, newID: context.environment.newID)
                try await audit(context, breachEvents: events)
            }
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(GovernanceMapping.resource(record))))
    }

    func deleteObligation(_ input: Operations.DeleteObligation.Input) async throws -> Operations.DeleteObligation.Output {
        let id = try Self.resourceID(input.path.obligationId, "Obligation")
        try await lockedWrite("Obligation \(input.path.obligationId)", find: { try await obligations($0).find(id, lock: true) },
                              version: \.version) { context, _ in
            try await obligations(context).delete(id)
            try await audit(context, "deleteObligation", "obligation", id, changed: [])
        }
        return .noContent(.init())
    }

    private static func checkObligationText(name: String, metric: String, unit: String?, _ checks: inout FieldChecks) {
        checks.requireName(name)
        checks.requireName(metric, at: "/metric")
        checks.requireName(unit, at: "/unit")
        if let unit { checks.require(unit.unicodeScalars.count <= 50, "/unit", "must be at most 50 characters") }
    }

    /// Checks terms' fields; returns the terms when they are valid.
    private static func checkTerms(from: CalendarDate, comparator: ThresholdComparator?, threshold: Double?,
                                   creditPercent: Double, earnBackPeriods: Int?, _ checks: inout FieldChecks) -> ObligationTerms? {
        let credit = BasisPoints.from(percent: creditPercent)
        checks.require(credit != nil, "/creditPercent", "must be 0–100 with at most two decimals")
        if let threshold { checks.require(threshold.isFinite && abs(threshold) <= 1e15, "/threshold", "must be between -1e15 and 1e15") }
        if let earnBackPeriods { checks.require((1...24).contains(earnBackPeriods), "/earnBackPeriods", "must be 1–24") }
        guard let credit else { return nil }
        return ObligationTerms(effectiveFrom: from, comparator: comparator, threshold: threshold, creditBasisPoints: credit,
                               earnBackPeriods: earnBackPeriods)
    }

    /// A deliverable is due within its contract's term, and cannot have been delivered in the future.
    private static func checkDeliverableDates(due: CalendarDate?, delivered: CalendarDate?, contract: ContractRecord,
                                              today: CalendarDate) throws(ValidationFailure) {
        var checks = FieldChecks()
        if let due {
            checks.require(due >= contract.start && due <= (contract.end ?? .distantFuture), "/dueDate",
                           "must fall within the contract's term (\(contract.start) to \(contract.end?.description ?? "open"))")
        }
        if let delivered { checks.require(delivered <= today, "/deliveredOn", "cannot be after today (\(today))") }
        try checks.throwIfAny()
    }

    func obligations(_ context: TenantSession.Context) -> ObligationStore {
        ObligationStore(context.scope)
    }

    func deliverables(_ context: TenantSession.Context) -> DeliverableCheck {
        DeliverableCheck(context.scope)
    }

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
