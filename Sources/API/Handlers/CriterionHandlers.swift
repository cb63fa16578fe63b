import APIDefinition
import Domain
import Foundation
import Persistence

/// Readiness criteria of a stage's exit gate and their sign-off.
extension APIHandler {
    func listReadinessCriteria(_ input: Operations.ListReadinessCriteria.Input) async throws -> Operations.ListReadinessCriteria.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        let page = try await session.run { context in
            guard try await transitions(context).stage(stageID, of: transitionID) != nil else {
                throw APIProblem.notFound("Stage \(input.path.stageId)")
            }
            return try await readinessCriteria(context).list(stage: stageID, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(TransitionMapping.resource), nextCursor: next))))
    }

    func createReadinessCriterion(_ input: Operations.CreateReadinessCriterion.Input) async throws -> Operations.CreateReadinessCriterion.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        var checks = FieldChecks()
        Self.checkCriterion(title: body.title, evidence: body.evidenceUrl, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateReadinessCriterion.id) { context in
            guard let stage = try await transitions(context).stage(stageID, of: transitionID, lock: true) else {
                throw APIProblem.notFound("Stage \(input.path.stageId)")
            }
            try Self.requireOpenGate(stage)
            let now = context.environment.now()
            let record = try await readinessCriteria(context).insert(CriterionRecord(
                id: context.environment.newID(), transitionID: transitionID, stageID: stageID, title: body.title,
                mandatory: body.mandatory, evidenceURL: body.evidenceUrl, createdAt: now, updatedAt: now))
            try await audit(context, "createReadinessCriterion", "readiness_criterion", record.id,
                            changed: ["title", "mandatory", "evidenceUrl"])
            return Created(resource: TransitionMapping.resource(record), location: Self.criterionPath(record))
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func updateReadinessCriterion(_ input: Operations.UpdateReadinessCriterion.Input) async throws -> Operations.UpdateReadinessCriterion.Output {
        let patch: Components.Schemas.ReadinessCriterionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (transitionID, stageID, id) = try Self.criterionIDs(input.path.transitionId, input.path.stageId, input.path.criterionId)
        let record = try await lockedWrite("Criterion \(input.path.criterionId)",
                                           find: { try await criterion($0, id, stage: stageID, transition: transitionID) },
                                           version: \.version) { context, current in
            try await requireOpenGate(context, stage: stageID, transition: transitionID)
            let keys = JSONPresence(rawBody: context.rawBody).keys
            var next = current
            next.title = patch.title ?? current.title
            next.mandatory = patch.mandatory ?? current.mandatory
            if keys.contains("evidenceUrl") { next.evidenceURL = patch.evidenceUrl }
            var checks = FieldChecks()
            Self.checkCriterion(title: next.title, evidence: next.evidenceURL, &checks)
            try checks.throwIfAny()
            // The signer signed off this title and this evidence: either changing withdraws the sign-off.
            if next.title != current.title || next.evidenceURL != current.evidenceURL {
                next.signedOffBy = nil
                next.signedOffAt = nil
            }
            let changed = Self.changedFields([
                ("title", next.title != current.title), ("mandatory", next.mandatory != current.mandatory),
                ("evidenceUrl", next.evidenceURL != current.evidenceURL), ("signedOff", next.signedOffAt != current.signedOffAt)])
            guard !changed.isEmpty else { return current }
            let updated = try await readinessCriteria(context).update(next, at: context.environment.now())
            try await audit(context, "updateReadinessCriterion", "readiness_criterion", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(TransitionMapping.resource(record))))
    }

    func deleteReadinessCriterion(_ input: Operations.DeleteReadinessCriterion.Input) async throws -> Operations.DeleteReadinessCriterion.Output {
        let (transitionID, stageID, id) = try Self.criterionIDs(input.path.transitionId, input.path.stageId, input.path.criterionId)
        try await lockedWrite("Criterion \(input.path.criterionId)",
                              find: { try await criterion($0, id, stage: stageID, transition: transitionID) },
                              version: \.version) { context, _ in
            try await requireOpenGate(context, stage: stageID, transition: transitionID)
            try await readinessCriteria(context).delete(id)
            try await audit(context, "deleteReadinessCriterion", "readiness_criterion", id, changed: [])
        }
        return .noContent(.init())
    }

    func signOffReadinessCriterion(_ input: Operations.SignOffReadinessCriterion.Input) async throws -> Operations.SignOffReadinessCriterion.Output {
        let (transitionID, stageID, id) = try Self.criterionIDs(input.path.transitionId, input.path.stageId, input.path.criterionId)
        let signed = try await idempotentCreate(Operations.SignOffReadinessCriterion.id) { context in
            guard let current = try await criterion(context, id, stage: stageID, transition: transitionID) else {
                throw APIProblem.notFound("Criterion \(input.path.criterionId)")
            }
            let member = try await me(context)
            guard current.signedOffAt == nil else { return Created(resource: TransitionMapping.resource(current), location: nil) }
            var next = current
            next.signedOffBy = member.id
            next.signedOffAt = context.environment.now()
            let updated = try await readinessCriteria(context).update(next, at: context.environment.now())
            try await audit(context, "signOffReadinessCriterion", "readiness_criterion", id, changed: ["signedOffBy", "signedOffAt"])
            return Created(resource: TransitionMapping.resource(updated), location: nil)
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: signed.resource.version)), body: .json(signed.resource)))
    }

    func withdrawReadinessSignOff(_ input: Operations.WithdrawReadinessSignOff.Input) async throws -> Operations.WithdrawReadinessSignOff.Output {
        let (transitionID, stageID, id) = try Self.criterionIDs(input.path.transitionId, input.path.stageId, input.path.criterionId)
        try await session.run { context in
            guard let current = try await criterion(context, id, stage: stageID, transition: transitionID) else {
                throw APIProblem.notFound("Criterion \(input.path.criterionId)")
            }
            guard current.signedOffAt != nil else { return }
            try await requireOpenGate(context, stage: stageID, transition: transitionID)
            var next = current
            next.signedOffBy = nil
            next.signedOffAt = nil
            _ = try await readinessCriteria(context).update(next, at: context.environment.now())
            try await audit(context, "withdrawReadinessSignOff", "readiness_criterion", id, changed: ["signedOffBy", "signedOffAt"])
        }
        return .noContent(.init())
    }

    /// 409 once the stage's gate has passed: its criteria are settled.
    static func requireOpenGate(_ stage: StageRecord) throws(APIProblem) {
        guard stage.gateDecision != .go else {
            throw APIProblem(status: 409, type: "gate-passed", title: "Gate passed",
                             detail: "The \(stage.name) gate has passed (go); its criteria and decision are settled.")
        }
    }

    private func requireOpenGate(_ context: TenantSession.Context, stage: UUID, transition: UUID) async throws {
        guard let stage = try await transitions(context).stage(stage, of: transition) else { return }
        try Self.requireOpenGate(stage)
    }

    private static func checkCriterion(title: String, evidence: String?, _ checks: inout FieldChecks) {
        checks.requireName(title, at: "/title")
        if let evidence {
            let url = URL(string: evidence)
            checks.require(evidence.utf8.count <= 2000 && ["http", "https"].contains(url?.scheme?.lowercased() ?? "")
                           && url?.host?.isEmpty == false, "/evidenceUrl", "must be an http(s) link of at most 2,000 characters")
        }
    }

    private static func criterionIDs(_ transition: String, _ stage: String, _ criterion: String) throws(APIProblem) -> (UUID, UUID, UUID) {
        let (transitionID, stageID) = try stageIDs(transition, stage)
        return (transitionID, stageID, try resourceID(criterion, "Criterion"))
    }

    private static func criterionPath(_ record: CriterionRecord) -> String {
        "/v1/transitions/\(GovernanceMapping.id(record.transitionID))/stages/\(GovernanceMapping.id(record.stageID))/criteria/"
            + GovernanceMapping.id(record.id)
    }

    /// The criterion, locked, when it belongs to that stage of that transition.
    private func criterion(_ context: TenantSession.Context, _ id: UUID, stage: UUID, transition: UUID) async throws -> CriterionRecord? {
        guard let record = try await readinessCriteria(context).find(id, stage: stage, lock: true), record.transitionID == transition else {
            return nil
        }
        return record
    }
}
