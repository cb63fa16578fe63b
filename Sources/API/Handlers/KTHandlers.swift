import APIDefinition
import Domain
import Foundation
import Persistence

/// Knowledge-transfer sessions and coverage. Their writes need `governance:write`, so
/// the client's own systems can feed them.
extension APIHandler {
    /// A transition's KT sessions: the common statements name the transition, so a session of another
    /// is not found. With `findingTransition` (a create's), the store finds the transition first,
    /// locked, so it cannot go while the session is added (404 `Transition` when it is not the caller's).
    static func ktSession(of transitionID: UUID, _ transitionText: String,
                          findingTransition: Bool = false) -> ResourceKind<KTSessionStore, Components.Schemas.KTSession> {
        ResourceKind(
            noun: "Session", auditType: "kt_session",
            fields: [.init("topic", \.topic), .init("processArea", \.processArea), .init("expert", \.expert),
                     .init("attendees", \.attendees), .init("date", \.date), .init("status", \.status),
                     .init("proficiency", \.proficiency)],
            store: { context in
                if findingTransition { try await requireTransition(transitionID, transitionText, context, lock: true) }
                return KTSessionStore(context.scope, transition: transitionID)
            },
            render: TransitionMapping.resource)
    }

    func listKTSessions(_ input: Operations.ListKTSessions.Input) async throws -> Operations.ListKTSessions.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let id = try Self.transition.id(input.path.transitionId)
        let page = try await session.run { context in
            try await Self.requireTransition(id, input.path.transitionId, context)
            return try await KTSessionStore(context.scope, transition: id).page(after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(TransitionMapping.resource), nextCursor: next))))
    }

    func createKTSession(_ input: Operations.CreateKTSession.Input) async throws -> Operations.CreateKTSession.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let transitionID = try Self.transition.id(input.path.transitionId)
        var checks = FieldChecks()
        let day = checks.date(body.date, at: "/date")
        let status = body.status.map(KTSessionStatus.init) ?? .planned
        KTSessionRules.check(topic: body.topic, area: body.processArea, expert: body.expert, attendees: body.attendees ?? [],
                            status: status, proficiency: body.proficiency, &checks)
        try checks.throwIfAny()
        guard let day else { throw APIProblem.internalError }  // noted at /date when nil
        let kind = Self.ktSession(of: transitionID, input.path.transitionId, findingTransition: true)
        let (created, etag) = try await create(kind, operation: Operations.CreateKTSession.id,
                                               location: { "/v1/transitions/\(transitionID.wire)/kt-sessions/\($0.id.wire)" }) { context, store in
            let now = context.environment.now()
            return try await store.insert(KTSessionRecord(
                id: context.environment.newID(), transitionID: transitionID, topic: body.topic, processArea: body.processArea,
                expert: body.expert, attendees: body.attendees ?? [], date: day, status: status, proficiency: body.proficiency,
                createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func updateKTSession(_ input: Operations.UpdateKTSession.Input) async throws -> Operations.UpdateKTSession.Output {
        let patch: Components.Schemas.KTSessionPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let transitionID = try Self.transition.id(input.path.transitionId)
        let kind = Self.ktSession(of: transitionID, input.path.transitionId)
        let (ktSession, etag) = try await update(kind, input.path.sessionId,
                                                 operation: Operations.UpdateKTSession.id) { context, current, _ in
            let keys = context.body.keys
            var checks = FieldChecks()
            let day = checks.date(patch.date, at: "/date")
            var next = current
            next.topic = patch.topic ?? current.topic
            next.processArea = patch.processArea ?? current.processArea
            next.expert = patch.expert ?? current.expert
            next.attendees = patch.attendees ?? current.attendees
            next.date = day ?? current.date
            if let status = patch.status { next.status = KTSessionStatus(status) }
            if keys.contains("proficiency") { next.proficiency = patch.proficiency }
            KTSessionRules.check(topic: next.topic, area: next.processArea, expert: next.expert, attendees: next.attendees,
                                status: next.status, proficiency: next.proficiency, &checks)
            try checks.throwIfAny()
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(ktSession)))
    }

    func deleteKTSession(_ input: Operations.DeleteKTSession.Input) async throws -> Operations.DeleteKTSession.Output {
        let transitionID = try Self.transition.id(input.path.transitionId)
        try await delete(Self.ktSession(of: transitionID, input.path.transitionId), input.path.sessionId,
                         operation: Operations.DeleteKTSession.id)
        return .noContent(.init())
    }

    func getKTCoverage(_ input: Operations.GetKTCoverage.Input) async throws -> Operations.GetKTCoverage.Output {
        let id = try Self.transition.id(input.path.transitionId)
        let outcomes = try await session.run { context in
            try await Self.requireTransition(id, input.path.transitionId, context)
            return try await KTSessionStore(context.scope).outcomes(of: id)
        }
        let areas = KTCoverage.byArea(outcomes)
        var tally = ComplianceTally()
        for area in areas { tally.add(met: area.covered) }
        return .ok(.init(body: .json(.init(
            transitionId: id.wire, coveredAreas: tally.met, coveragePercent: tally.sharePercent,
            areas: areas.map { .init(processArea: $0.processArea, planned: $0.planned, held: $0.held, cancelled: $0.cancelled,
                                     averageProficiency: $0.averageProficiency, covered: $0.covered) }))))
    }


    /// 404 unless the transition is the caller's; with `lock`, it cannot be deleted until the
    /// transaction ends (so a child created under it never meets a vanished parent).
    static func requireTransition(_ id: UUID, _ text: String, _ context: TenantSession.Context, lock: Bool = false) async throws {
        guard try await TransitionStore(context.scope).find(id, lock: lock) != nil else { throw transition.notFound(text) }
    }
}

extension Components.Schemas.KTSession: VersionedWire {}
