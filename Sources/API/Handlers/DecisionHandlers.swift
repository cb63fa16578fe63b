import APIDefinition
import Domain
import Foundation
import Persistence

/// The decision log and actions.
extension APIHandler {
    func listDecisions(_ input: Operations.ListDecisions.Input) async throws -> Operations.ListDecisions.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var malformed: [FieldError] = []
        let filter = DecisionFilter(meetingID: Self.queryID(input.query.meetingId, "/meetingId", &malformed),
                                    breachID: Self.queryID(input.query.breachId, "/breachId", &malformed),
                                    projectID: Self.queryID(input.query.projectId, "/projectId", &malformed))
        guard malformed.isEmpty else { throw APIProblem.badRequest("Invalid query parameters.", errors: malformed) }
        let page = try await session.run { context in try await decisions(context).list(filter, after: cursor, limit: limit + 1) }
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
        Self.checkDecision(title: body.title, madeBy: body.madeBy, rationale: body.rationale, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateDecision.id) { context in
            try await requireLinks(breaches: breaches, projects: projects, context)
            let now = context.environment.now()
            let record = try await decisions(context).insert(DecisionRecord(
                id: context.environment.newID(), title: body.title, decidedOn: day!, madeBy: body.madeBy,
                rationale: body.rationale, meetingID: meeting, breachIDs: breaches, projectIDs: projects,
                createdAt: now, updatedAt: now))
            try await audit(context, "createDecision", "decision", record.id,
                            changed: ["title", "date", "madeBy", "rationale", "meetingId", "breachIds", "projectIds"])
            return Created(resource: ForumMapping.resource(record), location: "/v1/decisions/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getDecision(_ input: Operations.GetDecision.Input) async throws -> Operations.GetDecision.Output {
        let id = try Self.resourceID(input.path.decisionId, "Decision")
        let record = try await session.run { context in try await decisions(context).find(id) }
        guard let record else { throw APIProblem.notFound("Decision \(input.path.decisionId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(ForumMapping.resource(record))))
    }

    func updateDecision(_ input: Operations.UpdateDecision.Input) async throws -> Operations.UpdateDecision.Output {
        let patch: Components.Schemas.DecisionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.decisionId, "Decision")
        let record = try await lockedWrite("Decision \(input.path.decisionId)", find: { try await decisions($0).find(id, lock: true) },
                                           version: \.version) { context, current in
            let keys = JSONPresence(rawBody: context.rawBody).keys
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
            Self.checkDecision(title: next.title, madeBy: next.madeBy, rationale: next.rationale, &checks)
            try checks.throwIfAny()
            let changed = Self.changedFields([
                ("title", next.title != current.title), ("date", next.decidedOn != current.decidedOn),
                ("madeBy", next.madeBy != current.madeBy), ("rationale", next.rationale != current.rationale),
                ("meetingId", next.meetingID != current.meetingID), ("breachIds", next.breachIDs != current.breachIDs),
                ("projectIds", next.projectIDs != current.projectIDs)])
            guard !changed.isEmpty else { return current }
            try await requireLinks(breaches: breaches ?? [], projects: projects ?? [], context)
            let updated = try await decisions(context).update(next, at: context.environment.now())
            try await audit(context, "updateDecision", "decision", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(ForumMapping.resource(record))))
    }

    func deleteDecision(_ input: Operations.DeleteDecision.Input) async throws -> Operations.DeleteDecision.Output {
        let id = try Self.resourceID(input.path.decisionId, "Decision")
        try await lockedWrite("Decision \(input.path.decisionId)", find: { try await decisions($0).find(id, lock: true) },
                              version: \.version) { context, _ in
            try await decisions(context).delete(id)
            try await audit(context, "deleteDecision", "decision", id, changed: [])
        }
        return .noContent(.init())
    }

    func listActions(_ input: Operations.ListActions.Input) async throws -> Operations.ListActions.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var malformed: [FieldError] = []
        let today = CalendarDate(utcDate: session.environment.now())
        let filter = ActionFilter(status: input.query.status.map { ActionStatus(rawValue: $0.rawValue)! },
                                  ownerID: Self.queryID(input.query.ownerId, "/ownerId", &malformed),
                                  meetingID: Self.queryID(input.query.meetingId, "/meetingId", &malformed),
                                  decisionID: Self.queryID(input.query.decisionId, "/decisionId", &malformed),
                                  overdueOn: input.query.overdue == true ? today : nil)
        guard malformed.isEmpty else { throw APIProblem.badRequest("Invalid query parameters.", errors: malformed) }
        let page = try await session.run { context in try await actions(context).list(filter, after: cursor, limit: limit + 1) }
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
        let created = try await idempotentCreate(Operations.CreateAction.id) { context in
            let now = context.environment.now()
            let record = try await actions(context).insert(ActionRecord(
                id: context.environment.newID(), title: body.title, ownerID: owner!, due: due!,
                status: body.status.map { ActionStatus(rawValue: $0.rawValue)! } ?? .open, meetingID: meeting,
                decisionID: decision, createdAt: now, updatedAt: now))
            try await audit(context, "createAction", "action", record.id,
                            changed: ["title", "ownerId", "dueDate", "status", "meetingId", "decisionId"])
            return Created(resource: ForumMapping.resource(record, today: CalendarDate(utcDate: now)),
                           location: "/v1/actions/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getAction(_ input: Operations.GetAction.Input) async throws -> Operations.GetAction.Output {
        let id = try Self.resourceID(input.path.actionId, "Action")
        let record = try await session.run { context in try await actions(context).find(id) }
        guard let record else { throw APIProblem.notFound("Action \(input.path.actionId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(ForumMapping.resource(record, today: CalendarDate(utcDate: session.environment.now())))))
    }

    func updateAction(_ input: Operations.UpdateAction.Input) async throws -> Operations.UpdateAction.Output {
        let patch: Components.Schemas.ActionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.actionId, "Action")
        let record = try await lockedWrite("Action \(input.path.actionId)", find: { try await actions($0).find(id, lock: true) },
                                           version: \.version) { context, current in
            let keys = JSONPresence(rawBody: context.rawBody).keys
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
            if let status = patch.status { next.status = ActionStatus(rawValue: status.rawValue)! }
            if keys.contains("meetingId") { next.meetingID = meeting }
            if keys.contains("decisionId") { next.decisionID = decision }
            let changed = Self.changedFields([
                ("title", next.title != current.title), ("ownerId", next.ownerID != current.ownerID),
                ("dueDate", next.due != current.due), ("status", next.status != current.status),
                ("meetingId", next.meetingID != current.meetingID), ("decisionId", next.decisionID != current.decisionID)])
            guard !changed.isEmpty else { return current }
            let updated = try await actions(context).update(next, at: context.environment.now())
            try await audit(context, "updateAction", "action", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(ForumMapping.resource(record, today: CalendarDate(utcDate: session.environment.now())))))
    }

    func deleteAction(_ input: Operations.DeleteAction.Input) async throws -> Operations.DeleteAction.Output {
        let id = try Self.resourceID(input.path.actionId, "Action")
        try await lockedWrite("Action \(input.path.actionId)", find: { try await actions($0).find(id, lock: true) },
                              version: \.version) { context, _ in
            try await actions(context).delete(id)
            try await audit(context, "deleteAction", "action", id, changed: [])
        }
        return .noContent(.init())
    }

    private static func checkDecision(title: String, madeBy: String, rationale: String?, _ checks: inout FieldChecks) {
        checks.requireName(title, at: "/title")
        checks.requireName(madeBy, at: "/madeBy")
        checks.requireText(rationale, maxLength: 10_000, at: "/rationale")
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

    private func requireLinks(breaches: [UUID], projects: [UUID], _ context: TenantSession.Context) async throws {
        guard !breaches.isEmpty || !projects.isEmpty else { return }
        let unknown = try await decisions(context).unknownLinks(breaches: breaches, projects: projects)
        guard unknown.isEmpty else { throw ValidationFailure(unknown) }
    }

    func decisions(_ context: TenantSession.Context) -> DecisionStore {
        DecisionStore(context.scope)
    }

    func actions(_ context: TenantSession.Context) -> ActionStore {
        ActionStore(context.scope)
    }
}
