import APIDefinition
import Domain
import Foundation
import Persistence

/// Governance forums and their meetings.
extension APIHandler {
    static let forum = ResourceKind<ForumStore, Components.Schemas.GovernanceForum>(
        noun: "Forum", auditType: "governance_forum",
        fields: [.init("name", \.name), .init("kind", \.kind), .init("cadence", \.cadence), .init("contractId", \.contractID),
                 .init("description", \.description)],
        store: { ForumStore($0.scope) }, render: ForumMapping.resource)

    static let meeting = ResourceKind<MeetingStore, Components.Schemas.Meeting>(
        noun: "Meeting", auditType: "meeting",
        fields: [.init("forumId", \.forumID), .init("date", \.heldOn), .init("attendees", \.attendees), .init("minutes", \.minutes)],
        store: { MeetingStore($0.scope) }, render: ForumMapping.resource)

    func listGovernanceForums(_ input: Operations.ListGovernanceForums.Input) async throws -> Operations.ListGovernanceForums.Output {
        let page = try await list(Self.forum, limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: page.items, nextCursor: page.nextCursor))))
    }

    func createGovernanceForum(_ input: Operations.CreateGovernanceForum.Input) async throws -> Operations.CreateGovernanceForum.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        checks.requireText(body.description, maxLength: 10_000, at: "/description")
        let contract = checks.uuid(body.contractId, at: "/contractId")
        try checks.throwIfAny()
        let (created, etag) = try await create(Self.forum, operation: Operations.CreateGovernanceForum.id,
                                               location: { "/v1/governance-forums/\($0.id.wire)" }) { context, store in
            let now = context.environment.now()
            return try await store.insert(ForumRecord(
                id: context.environment.newID(), name: body.name, kind: ForumKind(body.kind),
                cadence: Cadence(body.cadence), contractID: contract, description: body.description,
                createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getGovernanceForum(_ input: Operations.GetGovernanceForum.Input) async throws -> Operations.GetGovernanceForum.Output {
        let (forum, etag) = try await read(Self.forum, input.path.forumId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(forum)))
    }

    func updateGovernanceForum(_ input: Operations.UpdateGovernanceForum.Input) async throws -> Operations.UpdateGovernanceForum.Output {
        let patch: Components.Schemas.GovernanceForumPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (forum, etag) = try await update(Self.forum, input.path.forumId,
                                             operation: Operations.UpdateGovernanceForum.id) { context, current, _ in
            let keys = context.body.keys
            var checks = FieldChecks()
            checks.requireName(patch.name)
            checks.requireText(patch.description, maxLength: 10_000, at: "/description")
            let contract = checks.uuid(patch.contractId, at: "/contractId")
            try checks.throwIfAny()
            var next = current
            next.name = patch.name ?? current.name
            if let kind = patch.kind { next.kind = ForumKind(kind) }
            if let cadence = patch.cadence { next.cadence = Cadence(cadence) }
            if keys.contains("contractId") { next.contractID = contract }
            if keys.contains("description") { next.description = patch.description }
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(forum)))
    }

    func deleteGovernanceForum(_ input: Operations.DeleteGovernanceForum.Input) async throws -> Operations.DeleteGovernanceForum.Output {
        try await delete(Self.forum, input.path.forumId, operation: Operations.DeleteGovernanceForum.id)
        return .noContent(.init())
    }

    func listMeetings(_ input: Operations.ListMeetings.Input) async throws -> Operations.ListMeetings.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var malformed: [FieldError] = []
        let forum = Self.queryID(input.query.forumId, "/forumId", &malformed)
        guard malformed.isEmpty else { throw APIProblem.badRequest("Invalid query parameters.", errors: malformed) }
        let page = try await session.run { context in
            try await MeetingStore(context.scope).list(forum: forum, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(ForumMapping.resource), nextCursor: next))))
    }

    func createMeeting(_ input: Operations.CreateMeeting.Input) async throws -> Operations.CreateMeeting.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let forum = checks.uuid(body.forumId, at: "/forumId")
        let day = checks.date(body.date, at: "/date")
        MeetingRules.check(attendees: body.attendees ?? [], minutes: body.minutes, &checks)
        try checks.throwIfAny()
        guard let forum, let day else { throw APIProblem.internalError }  // nil only with an error noted
        let (created, etag) = try await create(Self.meeting, operation: Operations.CreateMeeting.id,
                                               location: { "/v1/meetings/\($0.id.wire)" }) { context, store in
            let now = context.environment.now()
            return try await store.insert(MeetingRecord(
                id: context.environment.newID(), forumID: forum, heldOn: day, attendees: body.attendees ?? [],
                minutes: body.minutes, createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getMeeting(_ input: Operations.GetMeeting.Input) async throws -> Operations.GetMeeting.Output {
        let (meeting, etag) = try await read(Self.meeting, input.path.meetingId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(meeting)))
    }

    func updateMeeting(_ input: Operations.UpdateMeeting.Input) async throws -> Operations.UpdateMeeting.Output {
        let patch: Components.Schemas.MeetingPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (meeting, etag) = try await update(Self.meeting, input.path.meetingId,
                                               operation: Operations.UpdateMeeting.id) { context, current, _ in
            let keys = context.body.keys
            var checks = FieldChecks()
            let forum = checks.uuid(patch.forumId, at: "/forumId")
            let day = checks.date(patch.date, at: "/date")
            var next = current
            next.forumID = forum ?? current.forumID
            next.heldOn = day ?? current.heldOn
            next.attendees = patch.attendees ?? current.attendees
            if keys.contains("minutes") { next.minutes = patch.minutes }
            MeetingRules.check(attendees: next.attendees, minutes: next.minutes, &checks)
            try checks.throwIfAny()
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(meeting)))
    }

    func deleteMeeting(_ input: Operations.DeleteMeeting.Input) async throws -> Operations.DeleteMeeting.Output {
        try await delete(Self.meeting, input.path.meetingId, operation: Operations.DeleteMeeting.id)
        return .noContent(.init())
    }

}

extension Components.Schemas.GovernanceForum: VersionedWire {}
extension Components.Schemas.Meeting: VersionedWire {}
