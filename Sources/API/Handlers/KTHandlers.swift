import APIDefinition
import Domain
import Foundation
import Persistence

/// Knowledge-transfer sessions and coverage. Their writes need `governance:write`, so
/// the client's own systems can feed them.
extension APIHandler {
    func listKTSessions(_ input: Operations.ListKTSessions.Input) async throws -> Operations.ListKTSessions.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let id = try Self.resourceID(input.path.transitionId, "Transition")
        let page = try await session.run { context in
            try await requireTransition(id, input.path.transitionId, context)
            return try await ktSessions(context).list(transition: id, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(TransitionMapping.resource), nextCursor: next))))
    }

    func createKTSession(_ input: Operations.CreateKTSession.Input) async throws -> Operations.CreateKTSession.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        var checks = FieldChecks()
        let day = checks.date(body.date, at: "/date")
        let status = body.status.map { KTSessionStatus(rawValue: $0.rawValue)! } ?? .planned
        Self.checkKTSession(topic: body.topic, area: body.processArea, expert: body.expert, attendees: body.attendees ?? [],
                            status: status, proficiency: body.proficiency, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateKTSession.id) { context in
            try await requireTransition(transitionID, input.path.transitionId, context, lock: true)
            let now = context.environment.now()
            let record = try await ktSessions(context).insert(KTSessionRecord(
                id: context.environment.newID(), transitionID: transitionID, topic: body.topic, processArea: body.processArea,
                expert: body.expert, attendees: body.attendees ?? [], date: day!, status: status, proficiency: body.proficiency,
                createdAt: now, updatedAt: now))
            try await audit(context, "createKTSession", "kt_session", record.id,
                            changed: ["topic", "processArea", "expert", "attendees", "date", "status", "proficiency"])
            return Created(resource: TransitionMapping.resource(record),
                           location: "/v1/transitions/\(GovernanceMapping.id(transitionID))/kt-sessions/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func updateKTSession(_ input: Operations.UpdateKTSession.Input) async throws -> Operations.UpdateKTSession.Output {
        let patch: Components.Schemas.KTSessionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        let id = try Self.resourceID(input.path.sessionId, "Session")
        let record = try await lockedWrite("Session \(input.path.sessionId)",
                                           find: { try await ktSessions($0).find(id, transition: transitionID, lock: true) },
                                           version: \.version) { context, current in
            let keys = JSONPresence(rawBody: context.rawBody).keys
            var checks = FieldChecks()
            let day = checks.date(patch.date, at: "/date")
            var next = current
            next.topic = patch.topic ?? current.topic
            next.processArea = patch.processArea ?? current.processArea
            next.expert = patch.expert ?? current.expert
            next.attendees = patch.attendees ?? current.attendees
            next.date = day ?? current.date
            if let status = patch.status { next.status = KTSessionStatus(rawValue: status.rawValue)! }
            if keys.contains("proficiency") { next.proficiency = patch.proficiency }
            Self.checkKTSession(topic: next.topic, area: next.processArea, expert: next.expert, attendees: next.attendees,
                                status: next.status, proficiency: next.proficiency, &checks)
            try checks.throwIfAny()
            let changed = Self.changedFields([
                ("topic", next.topic != current.topic), ("processArea", next.processArea != current.processArea),
                ("expert", next.expert != current.expert), ("attendees", next.attendees != current.attendees),
                ("date", next.date != current.date), ("status", next.status != current.status),
                ("proficiency", next.proficiency != current.proficiency)])
            guard !changed.isEmpty else { return current }
            let updated = try await ktSessions(context).update(next, at: context.environment.now())
            try await audit(context, "updateKTSession", "kt_session", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(TransitionMapping.resource(record))))
    }

    func deleteKTSession(_ input: Operations.DeleteKTSession.Input) async throws -> Operations.DeleteKTSession.Output {
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        let id = try Self.resourceID(input.path.sessionId, "Session")
        try await lockedWrite("Session \(input.path.sessionId)",
                              find: { try await ktSessions($0).find(id, transition: transitionID, lock: true) },
                              version: \.version) { context, _ in
            try await ktSessions(context).delete(id)
            try await audit(context, "deleteKTSession", "kt_session", id, changed: [])
        }
        return .noContent(.init())
    }

    func getKTCoverage(_ input: Operations.GetKTCoverage.Input) async throws -> Operations.GetKTCoverage.Output {
        let id = try Self.resourceID(input.path.transitionId, "Transition")
        let outcomes = try await session.run { context in
            try await requireTransition(id, input.path.transitionId, context)
            return try await ktSessions(context).outcomes(of: id)
        }
        let areas = KTCoverage.byArea(outcomes)
        var tally = ComplianceTally()
        for area in areas { tally.add(met: area.covered) }
        return .ok(.init(body: .json(.init(
            transitionId: GovernanceMapping.id(id), coveredAreas: tally.met, coveragePercent: tally.sharePercent,
            areas: areas.map { .init(processArea: $0.processArea, planned: $0.planned, held: $0.held, cancelled: $0.cancelled,
                                     averageProficiency: $0.averageProficiency, covered: $0.covered) }))))
    }

    private static func checkKTSession(topic: String, area: String, expert: String, attendees: [String], status: KTSessionStatus,
                                       proficiency: Int?, _ checks: inout FieldChecks) {
        checks.requireName(topic, at: "/topic")
        checks.requireName(area, at: "/processArea")
        checks.requireName(expert, at: "/expert")
        checks.require(attendees.count <= 100, "/attendees", "must list at most 100 attendees")
        for (index, attendee) in attendees.enumerated() { checks.requireName(attendee, at: "/attendees/\(index)") }
        if let proficiency {
            checks.require((1...5).contains(proficiency), "/proficiency", "must be 1–5")
            checks.require(status == .held, "/proficiency", "belongs to a held session only")
        }
    }

    /// 404 unless the transition is the caller's; with `lock`, it cannot be deleted until the
    /// transaction ends (so a child created under it never meets a vanished parent).
    func requireTransition(_ id: UUID, _ text: String, _ context: TenantSession.Context, lock: Bool = false) async throws {
        guard try await transitions(context).find(id, lock: lock) != nil else { throw APIProblem.notFound("Transition \(text)") }
    }

    func ktSessions(_ context: TenantSession.Context) -> KTSessionStore {
        KTSessionStore(context.scope)
    }
}
