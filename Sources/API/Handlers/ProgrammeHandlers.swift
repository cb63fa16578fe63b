import APIDefinition
import Domain
import Foundation
import Persistence

/// Programmes: a portfolio's programmes, their workstreams, and the projects linked to them.
extension APIHandler {
    static let programme = ResourceKind<ProgrammeStore, Components.Schemas.Programme>(
        noun: "Programme", auditType: "programme",
        fields: [.init("name", \.name), .init("description", \.description), .init("portfolioId", \.portfolioID),
                 .init("workstreams", \.workstreams)],
        store: { ProgrammeStore($0.scope) }, render: HierarchyMapping.resource)

    func listProgrammes(_ input: Operations.ListProgrammes.Input) async throws -> Operations.ListProgrammes.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var checks = FieldChecks()
        let portfolio = checks.uuid(input.query.portfolioId, at: "/portfolioId")
        if !checks.errors.isEmpty { throw APIProblem.badRequest("portfolioId must be an id (UUID).", errors: checks.errors) }
        let page = try await session.run { context in
            try await Self.programme.store(context).list(portfolio: portfolio, after: cursor, limit: limit + 1)
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
        // Not `create`: a create's audit row has always named the fields in this order, a PATCH's in
        // the kind's.
        let operation = Operations.CreateProgramme.id
        let created = try await idempotentCreate(operation) { context in
            let now = context.environment.now()
            let record = try await Self.programme.store(context).insert(ProgrammeRecord(
                id: context.environment.newID(), portfolioID: portfolio, name: body.name, description: body.description,
                workstreams: workstreams, version: 1, createdAt: now, updatedAt: now))
            try await audit(context, operation, Self.programme.auditType, record.id,
                            changed: ["name", "portfolioId", "description", "workstreams"])
            return Created(resource: HierarchyMapping.resource(record), location: "/v1/programmes/\(record.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getProgramme(_ input: Operations.GetProgramme.Input) async throws -> Operations.GetProgramme.Output {
        let (programme, etag) = try await read(Self.programme, input.path.programmeId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(programme)))
    }

    func updateProgramme(_ input: Operations.UpdateProgramme.Input) async throws -> Operations.UpdateProgramme.Output {
        let patch: Components.Schemas.ProgrammePatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        // A path id that names nothing is 404; then the body's own rules come before the lookup.
        _ = try Self.programme.id(input.path.programmeId)
        var checks = FieldChecks()
        checks.requireName(patch.name)
        checks.requireText(patch.description, maxLength: 10_000, at: "/description")
        let portfolio = checks.uuid(patch.portfolioId, at: "/portfolioId")
        let workstreams = patch.workstreams.map { HierarchyMapping.workstreams($0, &checks) }
        try checks.throwIfAny()
        let (programme, etag) = try await update(Self.programme, input.path.programmeId,
                                                 operation: Operations.UpdateProgramme.id) { context, current, _ in
            let presence = context.body
            var next = current
            if let name = patch.name { next.name = name }
            if presence.names("description") { next.description = patch.description }
            if presence.names("portfolioId") { next.portfolioID = portfolio }
            if let workstreams { next.workstreams = workstreams }
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(programme)))
    }

    func deleteProgramme(_ input: Operations.DeleteProgramme.Input) async throws -> Operations.DeleteProgramme.Output {
        try await delete(Self.programme, input.path.programmeId, operation: Operations.DeleteProgramme.id)
        return .noContent(.init())
    }
}

extension Components.Schemas.Programme: VersionedWire {}
