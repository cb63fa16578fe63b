import APIDefinition
import Domain
import Foundation
import Persistence

/// Governance forums and their meetings.
extension APIHandler {
    func listGovernanceForums(_ input: Operations.ListGovernanceForums.Input) async throws -> Operations.ListGovernanceForums.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in try await forums(context).list(after: cursor, limit: limit + 1) }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(ForumMapping.resource), nextCursor: next))))
    }

    func createGovernanceForum(_ input: Operations.CreateGovernanceForum.Input) async throws -> Operations.CreateGovernanceForum.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        checks.requireText(body.description, maxLength: 10_000, at: "/description")
        let contract = checks.uuid(body.contractId, at: "/contractId")
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateGovernanceForum.id) { context in
            let now = context.environment.now()
            let record = try await forums(context).insert(ForumRecord(
                id: context.environment.newID(), name: body.name, kind: ForumKind(rawValue: body.kind.rawValue)!,
                cadence: Cadence(rawValue: body.cadence.rawValue)!, contractID: contract, description: body.description,
                createdAt: now, updatedAt: now))
            try await audit(context, "createGovernanceForum", "governance_forum", record.id,
                            changed: ["name", "kind", "cadence", "contractId", "description"])
            return Created(resource: ForumMapping.resource(record), location: "/v1/governance-forums/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getGovernanceForum(_ input: Operations.GetGovernanceForum.Input) async throws -> Operations.GetGovernanceForum.Output {
        let id = try Self.resourceID(input.path.forumId, "Forum")
        let record = try await session.run { context in try await forums(context).find(id) }
        guard let record else { throw APIProblem.notFound("Forum \(input.path.forumId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(ForumMapping.resource(record))))
    }

    func updateGovernanceForum(_ input: Operations.UpdateGovernanceForum.Input) async throws -> Operations.UpdateGovernanceForum.Output {
        let patch: Components.Schemas.GovernanceForumPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.forumId, "Forum")
        let record = try await lockedWrite("Forum \(input.path.forumId)", find: { try await forums($0).find(id, lock: true) },
                                           version: \.version) { context, current in
            let keys = JSONPresence(rawBody: context.rawBody).keys
            var checks = FieldChecks()
            checks.requireName(patch.name)
            checks.requireText(patch.description, maxLength: 10_000, at: "/description")
            let contract = checks.uuid(patch.contractId, at: "/contractId")
            try checks.throwIfAny()
            var next = current
            next.name = patch.name ?? current.name
            if let kind = patch.kind { next.kind = ForumKind(rawValue: kind.rawValue)! }
            if let cadence = patch.cadence { next.cadence = Cadence(rawValue: cadence.rawValue)! }
            if keys.contains("contractId") { next.contractID = contract }
            if keys.contains("description") { next.description = patch.description }
            let changed = Self.changedFields([
                ("name", next.name != current.name), ("kind", next.kind != current.kind), ("cadence", next.cadence != current.cadence),
                ("contractId", next.contractID != current.contractID), ("description", next.description != current.description)])
            guard !changed.isEmpty else { return current }
            let updated = try await forums(context).update(next, at: context.environment.now())
            try await audit(context, "updateGovernanceForum", "governance_forum", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(ForumMapping.resource(record))))
    }

    func deleteGovernanceForum(_ input: Operations.DeleteGovernanceForum.Input) async throws -> Operations.DeleteGovernanceForum.Output {
        let id = try Self.resourceID(input.path.forumId, "Forum")
        try await lockedWrite("Forum \(input.path.forumId)", find: { try await forums($0).find(id, lock: true) },
                              version: \.version) { context, _ in
            try await forums(context).delete(id)
            try await audit(context, "deleteGovernanceForum", "governance_forum", id, changed: [])
        }
        return .noContent(.init())
    }

    func listMeetings(_ input: Operations.ListMeetings.Input) async throws -> Operations.ListMeetings.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var malformed: [FieldError] = []
        let forum = Self.queryID(input.query.forumId, "/forumId", &malformed)
        guard malformed.isEmpty else { throw APIProblem.badRequest("Invalid query parameters.", errors: malformed) }
        let page = try await session.run { context in try await meetings(context).list(forum: forum, after: cursor, limit: limit + 1) }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(ForumMapping.resource), nextCursor: next))))
    }

    func createMeeting(_ input: Operations.CreateMeeting.Input) async throws -> Operations.CreateMeeting.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let forum = checks.uuid(body.forumId, at: "/forumId")
        let day = checks.date(body.date, at: "/date")
        Self.checkMeeting(attendees: body.attendees ?? [], minutes: body.minutes, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateMeeting.id) { context in
            let now = context.environment.now()
            let record = try await meetings(context).insert(MeetingRecord(
                id: context.environment.newID(), forumID: forum!, heldOn: day!, attendees: body.attendees ?? [],
                minutes: body.minutes, createdAt: now, updatedAt: now))
            try await audit(context, "createMeeting", "meeting", record.id, changed: ["forumId", "date", "attendees", "minutes"])
            return Created(resource: ForumMapping.resource(record), location: "/v1/meetings/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getMeeting(_ input: Operations.GetMeeting.Input) async throws -> Operations.GetMeeting.Output {
        let id = try Self.resourceID(input.path.meetingId, "Meeting")
        let record = try await session.run { context in try await meetings(context).find(id) }
        guard let record else { throw APIProblem.notFound("Meeting \(input.path.meetingId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(ForumMapping.resource(record))))
    }

    func updateMeeting(_ input: Operations.UpdateMeeting.Input) async throws -> Operations.UpdateMeeting.Output {
        let patch: Components.Schemas.MeetingPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.meetingId, "Meeting")
        let record = try await lockedWrite("Meeting \(input.path.meetingId)", find: { try await meetings($0).find(id, lock: true) },
                                           version: \.version) { context, current in
            let keys = JSONPresence(rawBody: context.rawBody).keys
            var checks = FieldChecks()
            let forum = checks.uuid(patch.forumId, at: "/forumId")
            let day = checks.date(patch.date, at: "/date")
            var next = current
            next.forumID = forum ?? current.forumID
            next.heldOn = day ?? current.heldOn
            next.attendees = patch.attendees ?? current.attendees
            if keys.contains("minutes") { next.minutes = patch.minutes }
            Self.checkMeeting(attendees: next.attendees, minutes: next.minutes, &checks)
            try checks.throwIfAny()
            let changed = Self.changedFields([
                ("forumId", next.forumID != current.forumID), ("date", next.heldOn != current.heldOn),
                ("attendees", next.attendees != current.attendees), ("minutes", next.minutes != current.minutes)])
            guard !changed.isEmpty else { return current }
            let updated = try await meetings(context).update(next, at: context.environment.now())
            try await audit(context, "updateMeeting", "meeting", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(ForumMapping.resource(record))))
    }

    func deleteMeeting(_ input: Operations.DeleteMeeting.Input) async throws -> Operations.DeleteMeeting.Output {
        let id = try Self.resourceID(input.path.meetingId, "Meeting")
        try await lockedWrite("Meeting \(input.path.meetingId)", find: { try await meetings($0).find(id, lock: true) },
                              version: \.version) { context, _ in
            try await meetings(context).delete(id)
            try await audit(context, "deleteMeeting", "meeting", id, changed: [])
        }
        return .noContent(.init())
    }

    private static func checkMeeting(attendees: [String], minutes: String?, _ checks: inout FieldChecks) {
        checks.require(attendees.count <= 100, "/attendees", "must list at most 100 attendees")
        for (index, attendee) in attendees.enumerated() { checks.requireName(attendee, at: "/attendees/\(index)") }
        checks.requireText(minutes, maxLength: 100_000, at: "/minutes")
    }

    func forums(_ context: TenantSession.Context) -> ForumStore {
        ForumStore(context.scope)
    }

    func meetings(_ context: TenantSession.Context) -> MeetingStore {
        MeetingStore(context.scope)
    }
}
