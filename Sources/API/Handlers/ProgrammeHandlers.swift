import APIDefinition
import Domain
import Foundation
import Persistence

/// Programmes: a portfolio's programmes, their workstreams, and the projects linked to them.
extension APIHandler {
    func listProgrammes(_ input: Operations.ListProgrammes.Input) async throws -> Operations.ListProgrammes.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var checks = FieldChecks()
        let portfolio = checks.uuid(input.query.portfolioId, at: "/portfolioId")
        if !checks.errors.isEmpty { throw APIProblem.badRequest("portfolioId must be an id (UUID).", errors: checks.errors) }
        let page = try await session.run { context in
            try await programmes(context).list(portfolio: portfolio, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(HierarchyMapping.resource), nextCursor: next))))
    }

    func createProgramme(_ input: Operations.CreateProgramme.Input) async throws -> Operations.CreateProgramme.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        checks.requireText(body.description, maxLength: 10_000, at: "/description")
        let portfolio = checks.uuid(body.portfolioId, at: "/portfolioId")
        let workstreams = HierarchyMapping.workstreams(body.workstreams ?? [], &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateProgramme.id) { context in
            let now = context.environment.now()
            let draft = ProgrammeRecord(id: context.environment.newID(), portfolioID: portfolio, name: body.name,
                                        description: body.description, workstreams: workstreams, version: 1,
                                        createdAt: now, updatedAt: now)
            let record = try await programmes(context).insert(draft, at: now)
            try await audit(context, "createProgramme", "programme", record.id,
                            changed: ["name", "portfolioId", "description", "workstreams"])
            return Created(resource: HierarchyMapping.resource(record), location: "/v1/programmes/\(record.id.uuidString.lowercased())")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getProgramme(_ input: Operations.GetProgramme.Input) async throws -> Operations.GetProgramme.Output {
        let id = try Self.resourceID(input.path.programmeId, "Programme")
        let record = try await session.run { context in try await programmes(context).find(id) }
        guard let record else { throw APIProblem.notFound("Programme \(input.path.programmeId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(HierarchyMapping.resource(record))))
    }

    func updateProgramme(_ input: Operations.UpdateProgramme.Input) async throws -> Operations.UpdateProgramme.Output {
        let patch: Components.Schemas.ProgrammePatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.programmeId, "Programme")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let record = try await session.run { context in
            let presence = JSONPresence(rawBody: context.rawBody)
            var checks = FieldChecks()
            checks.requireName(patch.name)
            checks.requireText(patch.description, maxLength: 10_000, at: "/description")
            let portfolio = checks.uuid(patch.portfolioId, at: "/portfolioId")
            let workstreams = patch.workstreams.map { HierarchyMapping.workstreams($0, &checks) }
            try checks.throwIfAny()
            let store = programmes(context)
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("Programme \(input.path.programmeId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            var next = current
            if let name = patch.name { next.name = name }
            if presence.keys.contains("description") { next.description = patch.description }
            if presence.keys.contains("portfolioId") { next.portfolioID = portfolio }
            if let workstreams { next.workstreams = workstreams }
            let changed = [("name", next.name != current.name), ("description", next.description != current.description),
                           ("portfolioId", next.portfolioID != current.portfolioID),
                           ("workstreams", next.workstreams != current.workstreams)].filter(\.1).map(\.0)
            guard !changed.isEmpty else { return current }
            let updated = try await store.update(next, at: context.environment.now())
            try await audit(context, "updateProgramme", "programme", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(HierarchyMapping.resource(record))))
    }

    func deleteProgramme(_ input: Operations.DeleteProgramme.Input) async throws -> Operations.DeleteProgramme.Output {
        let id = try Self.resourceID(input.path.programmeId, "Programme")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        try await session.run { context in
            let store = programmes(context)
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("Programme \(input.path.programmeId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            try await store.delete(id)
            try await audit(context, "deleteProgramme", "programme", id, changed: [])
        }
        return .noContent(.init())
    }

    private func programmes(_ context: TenantSession.Context) -> ProgrammeStore {
        ProgrammeStore(context.scope)
    }
}
