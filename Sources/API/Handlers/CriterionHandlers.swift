import APIDefinition
import Auth
import Domain
import Foundation
import Persistence
import UseCases

/// Readiness criteria of a stage's exit gate and their sign-off.
extension APIHandler {
    /// What a create sets (and audits); a PATCH may also withdraw the sign-off.
    static let criterionFields: [AuditedField<CriterionRecord>] = [
        .init("title", \.title), .init("mandatory", \.mandatory), .init("evidenceUrl", \.evidenceURL)]

    /// A stage's criteria (a PATCH's or DELETE's): the store finds the stage first, in that transition
    /// (404 naming the criterion otherwise), locked as a create locks it, so a gate decision cannot
    /// commit between the rules its gate sets and the write.
    static func criterion(of transitionID: UUID, _ stageID: UUID,
                          _ text: String) -> ResourceKind<CriterionStore, Components.Schemas.ReadinessCriterion> {
        ResourceKind(
            noun: "Criterion", auditType: "readiness_criterion",
            fields: criterionFields + [.init("signedOff", \.signedOffAt)],
            store: { context in
                guard let stage = try await StageStore(context.scope, transition: transitionID).find(stageID, lock: true) else {
                    throw APIProblem.notFound("Criterion \(text)")
                }
                return CriterionStore(context.scope, stage: stage)
            },
            render: TransitionMapping.resource)
    }

    func listReadinessCriteria(_ input: Operations.ListReadinessCriteria.Input) async throws -> Operations.ListReadinessCriteria.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        let page = try await session.run { context in
            guard try await StageStore(context.scope, transition: transitionID).find(stageID) != nil else {
                throw APIProblem.notFound("Stage \(input.path.stageId)")
            }
            return try await CriterionStore(context.scope, stage: stageID).page(after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(TransitionMapping.resource), nextCursor: next))))
    }

    func createReadinessCriterion(_ input: Operations.CreateReadinessCriterion.Input) async throws -> Operations.CreateReadinessCriterion.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        var checks = FieldChecks()
        ReadinessCriterionRules.check(title: body.title, evidence: body.evidenceUrl, &checks)
        try checks.throwIfAny()
        // Not `create`: the stage is locked and its gate checked first, and the sign-off is not set.
        let created = try await idempotentCreate(Operations.CreateReadinessCriterion.id) { context in
            guard let stage = try await StageStore(context.scope, transition: transitionID).find(stageID, lock: true) else {
                throw APIProblem.notFound("Stage \(input.path.stageId)")
            }
            try GatePassed.requireOpen(stage)
            let now = context.environment.now()
            let record = try await CriterionStore(context.scope, stage: stage).insert(CriterionRecord(
                id: context.environment.newID(), transitionID: transitionID, stageID: stageID, title: body.title,
                mandatory: body.mandatory, evidenceURL: body.evidenceUrl, createdAt: now, updatedAt: now))
            try await audit(context, Operations.CreateReadinessCriterion.id, "readiness_criterion", record.id,
                            changed: Self.criterionFields.map(\.name))
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
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        let kind = Self.criterion(of: transitionID, stageID, input.path.criterionId)
        let (criterion, etag) = try await update(kind, input.path.criterionId,
                                                 operation: Operations.UpdateReadinessCriterion.id) { context, current, store in
            if let stage = store.stage { try GatePassed.requireOpen(stage) }
            let keys = context.body.keys
            var next = current
            next.title = patch.title ?? current.title
            next.mandatory = patch.mandatory ?? current.mandatory
            if keys.contains("evidenceUrl") { next.evidenceURL = patch.evidenceUrl }
            var checks = FieldChecks()
            ReadinessCriterionRules.check(title: next.title, evidence: next.evidenceURL, &checks)
            try checks.throwIfAny()
            // The signer signed off this title and this evidence: either changing withdraws the sign-off.
            if next.title != current.title || next.evidenceURL != current.evidenceURL {
                next.signedOffBy = nil
                next.signedOffAt = nil
            }
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(criterion)))
    }

    func deleteReadinessCriterion(_ input: Operations.DeleteReadinessCriterion.Input) async throws -> Operations.DeleteReadinessCriterion.Output {
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        let kind = Self.criterion(of: transitionID, stageID, input.path.criterionId)
        let id = try kind.id(input.path.criterionId)
        // Not `delete`: its check needs the stage the store found.
        try await lockedWrite(kind, input.path.criterionId, id) { context, store, _ in
            if let stage = store.stage { try GatePassed.requireOpen(stage) }
            try await store.delete(id)
            try await audit(context, Operations.DeleteReadinessCriterion.id, kind.auditType, id, changed: [])
        }
        return .noContent(.init())
    }

    /// Not a conditional write (no `If-Match`): signing off twice is signing off once.
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
            let updated = try await CriterionStore(context.scope).update(next, at: context.environment.now())
            try await audit(context, Operations.SignOffReadinessCriterion.id, "readiness_criterion", id,
                            changed: ["signedOffBy", "signedOffAt"])
            return Created(resource: TransitionMapping.resource(updated), location: nil)
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: signed.resource.version)), body: .json(signed.resource)))
    }

    /// Not a conditional write (no `If-Match`): withdrawing a sign-off that is not there does nothing.
    func withdrawReadinessSignOff(_ input: Operations.WithdrawReadinessSignOff.Input) async throws -> Operations.WithdrawReadinessSignOff.Output {
        let (transitionID, stageID, id) = try Self.criterionIDs(input.path.transitionId, input.path.stageId, input.path.criterionId)
        try await session.run { context in
            guard let current = try await criterion(context, id, stage: stageID, transition: transitionID) else {
                throw APIProblem.notFound("Criterion \(input.path.criterionId)")
            }
            guard current.signedOffAt != nil else { return }
            if let stage = try await StageStore(context.scope, transition: transitionID).find(stageID) {
                try GatePassed.requireOpen(stage)
            }
            var next = current
            next.signedOffBy = nil
            next.signedOffAt = nil
            _ = try await CriterionStore(context.scope).update(next, at: context.environment.now())
            try await audit(context, Operations.WithdrawReadinessSignOff.id, "readiness_criterion", id,
                            changed: ["signedOffBy", "signedOffAt"])
        }
        return .noContent(.init())
    }

    /// 409 once the stage's gate has passed: its criteria are settled.


    private static func criterionIDs(_ transition: String, _ stage: String, _ criterion: String) throws(APIProblem) -> (UUID, UUID, UUID) {
        let (transitionID, stageID) = try stageIDs(transition, stage)
        return (transitionID, stageID, try resourceID(criterion, "Criterion"))
    }

    private static func criterionPath(_ record: CriterionRecord) -> String {
        "/v1/transitions/\(record.transitionID.wire)/stages/\(record.stageID.wire)/criteria/\(record.id.wire)"
    }

    /// The criterion, locked, when it belongs to that stage of that transition.
    private func criterion(_ context: TenantSession.Context, _ id: UUID, stage: UUID, transition: UUID) async throws -> CriterionRecord? {
        guard let record = try await CriterionStore(context.scope, stage: stage).find(id, lock: true), record.transitionID == transition
        else { return nil }
        return record
    }
}
