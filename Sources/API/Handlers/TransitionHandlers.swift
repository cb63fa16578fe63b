import APIDefinition
import Auth
import Domain
import Foundation
import Persistence
import UseCases

/// Transitions: created from the platform's service-transition template, with stages
/// whose exit gates hold readiness criteria; `go` needs every mandatory one signed off.
extension APIHandler {
    /// Transitions. Their wire form needs their stages too (`TransitionMapping`), so the kind's is the
    /// row and the handlers render it.
    static let transition = ResourceKind<TransitionStore, TransitionRecord>(
        noun: "Transition", auditType: "transition",
        fields: [.init("name", \.name), .init("type", \.type), .init("scope", \.scope), .init("fromParty", \.fromParty),
                 .init("toParty", \.toParty), .init("plannedGoLive", \.plannedGoLive), .init("contractId", \.contractID)],
        store: { TransitionStore($0.scope) }, render: { $0 })

    /// A transition's stages: the common statements name the transition, so a stage of another is not
    /// found. Their wire form needs the criteria too, so the kind's is the row.
    static func stage(of transitionID: UUID) -> ResourceKind<StageStore, StageRecord> {
        ResourceKind(noun: "Stage", auditType: "transition_stage",
                     fields: [.init("name", \.name), .init("plannedStart", \.plannedStart), .init("plannedEnd", \.plannedEnd)],
                     store: { StageStore($0.scope, transition: transitionID) }, render: { $0 })
    }

    func listTransitions(_ input: Operations.ListTransitions.Input) async throws -> Operations.ListTransitions.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in
            let records = try await TransitionStore(context.scope).page(after: cursor, limit: limit + 1)
            let stages = try await StageStore(context.scope).all(of: records.map(\.id))
            return records.map { ($0, stages[$0.id] ?? []) }
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.0.id)
        return .ok(.init(body: .json(.init(items: items.map { TransitionMapping.resource($0.0, stages: $0.1) }, nextCursor: next))))
    }

    func createTransition(_ input: Operations.CreateTransition.Input) async throws -> Operations.CreateTransition.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        TransitionRules.check(name: body.name, scope: body.scope, from: body.fromParty, to: body.toParty, &checks)
        let goLive = checks.date(body.plannedGoLive, at: "/plannedGoLive")
        if let goLive {
            checks.require(TransitionTemplate.fits(goLive: goLive), "/plannedGoLive",
                           "must leave room for every stage (150 days before, 61 after) within the years 0001–9999")
        }
        let contract = checks.uuid(body.contractId, at: "/contractId")
        try checks.throwIfAny()
        guard let goLive else { throw APIProblem.internalError }  // noted at /plannedGoLive when nil
        // Not `create`: the template's stages are made with it, and it is rendered with them.
        let created = try await idempotentCreate(Operations.CreateTransition.id) { context in
            let now = context.environment.now()
            let stages = TransitionTemplate.stages(goLive: goLive)
            let record = try await TransitionStore(context.scope).insert(TransitionRecord(
                id: context.environment.newID(), name: body.name, type: TransitionType(body._type),
                scope: body.scope, fromParty: body.fromParty, toParty: body.toParty, plannedGoLive: goLive, contractID: contract,
                createdAt: now, updatedAt: now), stages: stages, newID: context.environment.newID)
            try await audit(context, Operations.CreateTransition.id, Self.transition.auditType, record.id,
                            changed: Self.transition.fields.map(\.name) + ["stages"])
            return Created(resource: TransitionMapping.resource(record, stages: try await StageStore(context.scope).all(of: record.id)),
                           location: "/v1/transitions/\(record.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    /// Not `read`: a transition is rendered with its stages, read in the same transaction.
    func getTransition(_ input: Operations.GetTransition.Input) async throws -> Operations.GetTransition.Output {
        let id = try Self.transition.id(input.path.transitionId)
        let found = try await session.run { context -> (TransitionRecord, [StageRecord])? in
            guard let record = try await TransitionStore(context.scope).find(id) else { return nil }
            return (record, try await StageStore(context.scope).all(of: id))
        }
        guard let (record, stages) = found else { throw Self.transition.notFound(input.path.transitionId) }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(TransitionMapping.resource(record, stages: stages))))
    }

    func updateTransition(_ input: Operations.UpdateTransition.Input) async throws -> Operations.UpdateTransition.Output {
        let patch: Components.Schemas.TransitionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let kind = Self.transition
        let id = try kind.id(input.path.transitionId)
        // Not `update`: the transition is rendered with its stages.
        let (record, stages) = try await lockedWrite(kind, input.path.transitionId, id) { context, store, current in
            let keys = context.body.keys
            var checks = FieldChecks()
            let goLive = checks.date(patch.plannedGoLive, at: "/plannedGoLive")
            let contract = checks.uuid(patch.contractId, at: "/contractId")
            var next = current
            next.name = patch.name ?? current.name
            if let type = patch._type { next.type = TransitionType(type) }
            next.scope = patch.scope ?? current.scope
            next.fromParty = patch.fromParty ?? current.fromParty
            next.toParty = patch.toParty ?? current.toParty
            next.plannedGoLive = goLive ?? current.plannedGoLive
            if keys.contains("contractId") { next.contractID = contract }
            TransitionRules.check(name: next.name, scope: next.scope, from: next.fromParty, to: next.toParty, &checks)
            try checks.throwIfAny()
            let changed = kind.changed(from: current, to: next)
            var updated = current
            if !changed.isEmpty {
                updated = try await store.update(next, at: context.environment.now())
                try await audit(context, Operations.UpdateTransition.id, kind.auditType, id, changed: changed)
            }
            return (updated, try await StageStore(context.scope).all(of: id))
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(TransitionMapping.resource(record, stages: stages))))
    }

    func deleteTransition(_ input: Operations.DeleteTransition.Input) async throws -> Operations.DeleteTransition.Output {
        try await delete(Self.transition, input.path.transitionId, operation: Operations.DeleteTransition.id)
        return .noContent(.init())
    }

    func listTransitionStages(_ input: Operations.ListTransitionStages.Input) async throws -> Operations.ListTransitionStages.Output {
        let id = try Self.transition.id(input.path.transitionId)
        let (stages, criteria) = try await session.run { context in
            try await Self.requireTransition(id, input.path.transitionId, context)
            return (try await StageStore(context.scope).all(of: id), try await CriterionStore(context.scope).all(of: id))
        }
        return .ok(.init(body: .json(.init(items: stages.map { TransitionMapping.resource($0, criteria: criteria) }))))
    }

    func updateTransitionStage(_ input: Operations.UpdateTransitionStage.Input) async throws -> Operations.UpdateTransitionStage.Output {
        let patch: Components.Schemas.TransitionStagePatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        let kind = Self.stage(of: transitionID)
        // Not `update`: the stage is rendered with the counts of its criteria.
        let (stage, criteria) = try await lockedWrite(kind, input.path.stageId, stageID) { context, store, current in
            var checks = FieldChecks()
            checks.requireName(patch.name)
            let start = checks.date(patch.plannedStart, at: "/plannedStart")
            let end = checks.date(patch.plannedEnd, at: "/plannedEnd")
            var next = current
            next.name = patch.name ?? current.name
            next.plannedStart = start ?? current.plannedStart
            next.plannedEnd = end ?? current.plannedEnd
            checks.require(next.plannedEnd >= next.plannedStart, "/plannedEnd", "must be on or after plannedStart")
            try checks.throwIfAny()
            let changed = kind.changed(from: current, to: next)
            var updated = current
            if !changed.isEmpty {
                updated = try await store.update(next, at: context.environment.now())
                try await audit(context, Operations.UpdateTransitionStage.id, kind.auditType, stageID, changed: changed)
            }
            return (updated, try await CriterionStore(context.scope).all(of: transitionID))
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: stage.version)),
                         body: .json(TransitionMapping.resource(stage, criteria: criteria))))
    }

    func decideStageGate(_ input: Operations.DecideStageGate.Input) async throws -> Operations.DecideStageGate.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let (transitionID, stageID) = try Self.stageIDs(input.path.transitionId, input.path.stageId)
        var checks = FieldChecks()
        checks.requireText(body.notes, maxLength: 2000, at: "/notes")
        try checks.throwIfAny()
        let decision = GateDecision(body.decision)
        let decided = try await idempotentCreate(Operations.DecideStageGate.id) { context in
            let now = context.environment.now()
            let (updated, criteria): (StageRecord, [CriterionRecord])
            do {
                (updated, criteria) = try await GateDeciding(context.scope).decide(
                    decision, stage: stageID, of: transitionID, notes: body.notes,
                    decidedBy: { try await me(context).id }, at: now)
            } catch is UnknownStage {
                throw APIProblem.notFound("Stage \(input.path.stageId)")
            }
            // The audit log names what the decision does (not an operation of the API).
            try await audit(context, decision == .go ? "passStageGate" : "holdStageGate", "transition_stage", stageID,
                            changed: ["gateDecision", "gateNotes"])
            return Created(resource: TransitionMapping.resource(updated, criteria: criteria), location: nil)
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: decided.resource.version)), body: .json(decided.resource)))
    }

    func getTransitionReadiness(_ input: Operations.GetTransitionReadiness.Input) async throws -> Operations.GetTransitionReadiness.Output {
        let id = try Self.transition.id(input.path.transitionId)
        let (stages, criteria) = try await session.run { context in
            try await Self.requireTransition(id, input.path.transitionId, context)
            return (try await StageStore(context.scope).all(of: id), try await CriterionStore(context.scope).all(of: id))
        }
        return .ok(.init(body: .json(TransitionMapping.readiness(id, stages: stages, criteria: criteria))))
    }


    /// A stage's path ids: text that is no UUID names nothing (404).
    static func stageIDs(_ transition: String, _ stage: String) throws(APIProblem) -> (UUID, UUID) {
        (try Self.transition.id(transition), try resourceID(stage, "Stage"))
    }
}
