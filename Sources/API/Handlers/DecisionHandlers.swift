import APIDefinition
import Domain
import Foundation
import Persistence

/// The decision log and actions.
extension APIHandler {
    static let decision = ResourceKind<DecisionStore, Components.Schemas.Decision>(
        noun: "Decision", auditType: "decision",
        fields: [.init("title", \.title), .init("date", \.decidedOn), .init("madeBy", \.madeBy), .init("rationale", \.rationale),
                 .init("meetingId", \.meetingID), .init("breachIds", \.breachIDs), .init("projectIds", \.projectIDs)],
        store: { DecisionStore($0.scope) }, render: ForumMapping.resource)

    /// Actions: whether one is overdue is rendered as of the day it is rendered.
    var action: ResourceKind<ActionStore, Components.Schemas.Action> {
        let environment = session.environment
        return ResourceKind(
            noun: "Action", auditType: "action",
            fields: [.init("title", \.title), .init("ownerId", \.ownerID), .init("dueDate", \.due), .init("status", \.status),
                     .init("meetingId", \.meetingID), .init("decisionId", \.decisionID)],
            store: { ActionStore($0.scope) },
            render: { ForumMapping.resource($0, today: CalendarDate(utcDate: environment.now())) })
    }

    func listDecisions(_ input: Operations.ListDecisions.Input) async throws -> Operations.ListDecisions.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var malformed: [FieldError] = []
        let filter = DecisionFilter(meetingID: Self.queryID(input.query.meetingId, "/meetingId", &malformed),
                                    breachID: Self.queryID(input.query.breachId, "/breachId", &malformed),
                                    projectID: Self.queryID(input.query.projectId, "/projectId", &malformed))
        guard malformed.isEmpty else { throw APIProblem.badRequest("Invalid query parameters.", errors: malformed) }
        let page = try await session.run { context in
            try await DecisionStore(context.scope).list(filter, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(ForumMapping.resource), nextCursor: next))))
    }

    func createDecision(_ input: Operations.CreateDecision.Input) async throws -> Operations.CreateDecision.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let day = checks.date(body.date, at: "/date")
        let meeting = checks.uuid(body.meetingId, at: "/meetingId")
        let breaches = Self.references(body.breachIds ?? [], "/breachIds", &checks)
        let projects = Self.references(body.projectIds ?? [], "/projectIds", &checks)
        DecisionRules.check(title: body.title, madeBy: body.madeBy, rationale: body.rationale, &checks)
        try checks.throwIfAny()
        guard let day else { throw APIProblem.internalError }  // noted at /date when nil
        let (created, etag) = try await create(Self.decision, operation: Operations.CreateDecision.id,
                                               location: { "/v1/decisions/\($0.id.wire)" }) { context, store in
            try await Self.requireLinks(breaches: breaches, projects: projects, store)
            let now = context.environment.now()
            return try await store.insert(DecisionRecord(
                id: context.environment.newID(), title: body.title, decidedOn: day, madeBy: body.madeBy,
                rationale: body.rationale, meetingID: meeting, breachIDs: breaches, projectIDs: projects,
                createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getDecision(_ input: Operations.GetDecision.Input) async throws -> Operations.GetDecision.Output {
        let (decision, etag) = try await read(Self.decision, input.path.decisionId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(decision)))
    }

    func updateDecision(_ input: Operations.UpdateDecision.Input) async throws -> Operations.UpdateDecision.Output {
        let patch: Components.Schemas.DecisionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (decision, etag) = try await update(Self.decision, input.path.decisionId,
                                                operation: Operations.UpdateDecision.id) { context, current, store in
            let keys = context.body.keys
            var checks = FieldChecks()
            let day = checks.date(patch.date, at: "/date")
            let meeting = checks.uuid(patch.meetingId, at: "/meetingId")
            let breaches = patch.breachIds.map { Self.references($0, "/breachIds", &checks) }
            let projects = patch.projectIds.map { Self.references($0, "/projectIds", &checks) }
            var next = current
            next.title = patch.title ?? current.title
            next.decidedOn = day ?? current.decidedOn
            next.madeBy = patch.madeBy ?? current.madeBy
            if keys.contains("rationale") { next.rationale = patch.rationale }
            if keys.contains("meetingId") { next.meetingID = meeting }
            next.breachIDs = breaches ?? current.breachIDs
            next.projectIDs = projects ?? current.projectIDs
            DecisionRules.check(title: next.title, madeBy: next.madeBy, rationale: next.rationale, &checks)
            try checks.throwIfAny()
            // Only a decision that changes is written, so only then are its links checked.
            if !Self.decision.changed(from: current, to: next).isEmpty {
                try await Self.requireLinks(breaches: breaches ?? [], projects: projects ?? [], store)
            }
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(decision)))
    }

    func deleteDecision(_ input: Operations.DeleteDecision.Input) async throws -> Operations.DeleteDecision.Output {
        try await delete(Self.decision, input.path.decisionId, operation: Operations.DeleteDecision.id)
        return .noContent(.init())
    }

    func listActions(_ input: Operations.ListActions.Input) async throws -> Operations.ListActions.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var malformed: [FieldError] = []
        let today = CalendarDate(utcDate: session.environment.now())
        let filter = ActionFilter(status: input.query.status.map(ActionStatus.init),
                                  ownerID: Self.queryID(input.query.ownerId, "/ownerId", &malformed),
                                  meetingID: Self.queryID(input.query.meetingId, "/meetingId", &malformed),
                                  decisionID: Self.queryID(input.query.decisionId, "/decisionId", &malformed),
                                  overdueOn: input.query.overdue == true ? today : nil)
        guard malformed.isEmpty else { throw APIProblem.badRequest("Invalid query parameters.", errors: malformed) }
        let page = try await session.run { context in
            try await ActionStore(context.scope).list(filter, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map { ForumMapping.resource($0, today: today) }, nextCursor: next))))
    }

    func createAction(_ input: Operations.CreateAction.Input) async throws -> Operations.CreateAction.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.title, at: "/title")
        let owner = checks.uuid(body.ownerId, at: "/ownerId")
        let due = checks.date(body.dueDate, at: "/dueDate")
        let meeting = checks.uuid(body.meetingId, at: "/meetingId")
        let decision = checks.uuid(body.decisionId, at: "/decisionId")
        try checks.throwIfAny()
        guard let owner, let due else { throw APIProblem.internalError }  // nil only with an error noted
        let (created, etag) = try await create(action, operation: Operations.CreateAction.id,
                                               location: { "/v1/actions/\($0.id.wire)" }) { context, store in
            let now = context.environment.now()
            return try await store.insert(ActionRecord(
                id: context.environment.newID(), title: body.title, ownerID: owner, due: due,
                status: body.status.map(ActionStatus.init) ?? .open, meetingID: meeting,
                decisionID: decision, createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getAction(_ input: Operations.GetAction.Input) async throws -> Operations.GetAction.Output {
        let (resource, etag) = try await read(action, input.path.actionId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(resource)))
    }

    func updateAction(_ input: Operations.UpdateAction.Input) async throws -> Operations.UpdateAction.Output {
        let patch: Components.Schemas.ActionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (resource, etag) = try await update(action, input.path.actionId,
                                                operation: Operations.UpdateAction.id) { context, current, _ in
            let keys = context.body.keys
            var checks = FieldChecks()
            checks.requireName(patch.title, at: "/title")
            let owner = checks.uuid(patch.ownerId, at: "/ownerId")
            let due = checks.date(patch.dueDate, at: "/dueDate")
            let meeting = checks.uuid(patch.meetingId, at: "/meetingId")
            let decision = checks.uuid(patch.decisionId, at: "/decisionId")
            try checks.throwIfAny()
            var next = current
            next.title = patch.title ?? current.title
            next.ownerID = owner ?? current.ownerID
            next.due = due ?? current.due
            if let status = patch.status { next.status = ActionStatus(status) }
            if keys.contains("meetingId") { next.meetingID = meeting }
            if keys.contains("decisionId") { next.decisionID = decision }
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(resource)))
    }

    func deleteAction(_ input: Operations.DeleteAction.Input) async throws -> Operations.DeleteAction.Output {
        try await delete(action, input.path.actionId, operation: Operations.DeleteAction.id)
        return .noContent(.init())
    }


    /// A list of UUID references, each checked; duplicates are kept once.
    private static func references(_ texts: [String], _ pointer: String, _ checks: inout FieldChecks) -> [UUID] {
        checks.require(texts.count <= 100, pointer, "must list at most 100")
        var ids: [UUID] = []
        for (index, text) in texts.enumerated() {
            if let id = checks.uuid(text, at: "\(pointer)/\(index)"), !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    private static func requireLinks(breaches: [UUID], projects: [UUID], _ store: DecisionStore) async throws {
        guard !breaches.isEmpty || !projects.isEmpty else { return }
        let unknown = try await store.unknownLinks(breaches: breaches, projects: projects)
        guard unknown.isEmpty else { throw ValidationFailure(unknown) }
    }
}

extension Components.Schemas.Decision: VersionedWire {}
extension Components.Schemas.Action: VersionedWire {}
