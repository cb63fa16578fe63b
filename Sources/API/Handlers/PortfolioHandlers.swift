import APIDefinition
import Domain
import Foundation
import Persistence

/// Portfolios: the top of portfolio → programme → project.
extension APIHandler {
    func listPortfolios(_ input: Operations.ListPortfolios.Input) async throws -> Operations.ListPortfolios.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in
            try await portfolios(context).page(after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(HierarchyMapping.resource), nextCursor: next))))
    }

    func createPortfolio(_ input: Operations.CreatePortfolio.Input) async throws -> Operations.CreatePortfolio.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        checks.requireText(body.description, maxLength: 10_000, at: "/description")
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreatePortfolio.id) { context in
            let now = context.environment.now()
            let record = try await portfolios(context).insert(PortfolioRecord(
                id: context.environment.newID(), name: body.name, description: body.description, createdAt: now,
                updatedAt: now))
            try await audit(context, "createPortfolio", "portfolio", record.id, changed: ["name", "description"])
            return Created(resource: HierarchyMapping.resource(record), location: "/v1/portfolios/\(record.id.uuidString.lowercased())")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getPortfolio(_ input: Operations.GetPortfolio.Input) async throws -> Operations.GetPortfolio.Output {
        let id = try Self.resourceID(input.path.portfolioId, "Portfolio")
        let record = try await session.run { context in try await portfolios(context).find(id) }
        guard let record else { throw APIProblem.notFound("Portfolio \(input.path.portfolioId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(HierarchyMapping.resource(record))))
    }

    func updatePortfolio(_ input: Operations.UpdatePortfolio.Input) async throws -> Operations.UpdatePortfolio.Output {
        let patch: Components.Schemas.PortfolioPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.portfolioId, "Portfolio")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let record = try await session.run { context in
            let presence = JSONPresence(rawBody: context.rawBody)
            var checks = FieldChecks()
            checks.requireName(patch.name)
            checks.requireText(patch.description, maxLength: 10_000, at: "/description")
            try checks.throwIfAny()
            let store = portfolios(context)
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("Portfolio \(input.path.portfolioId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            var next = current
            if let name = patch.name { next.name = name }
            if presence.keys.contains("description") { next.description = patch.description }
            let changed = [("name", next.name != current.name), ("description", next.description != current.description)]
                .filter(\.1).map(\.0)
            guard !changed.isEmpty else { return current }
            let updated = try await store.update(next, at: context.environment.now())
            try await audit(context, "updatePortfolio", "portfolio", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(HierarchyMapping.resource(record))))
    }

    func deletePortfolio(_ input: Operations.DeletePortfolio.Input) async throws -> Operations.DeletePortfolio.Output {
        let id = try Self.resourceID(input.path.portfolioId, "Portfolio")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        try await session.run { context in
            let store = portfolios(context)
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("Portfolio \(input.path.portfolioId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            try await store.delete(id)
            try await audit(context, "deletePortfolio", "portfolio", id, changed: [])
        }
        return .noContent(.init())
    }

    /// A path id: a text that is no UUID names nothing (404, like an id that exists nowhere).
    static func resourceID(_ text: String, _ kind: String) throws(APIProblem) -> UUID {
        guard let id = UUID(uuidString: text) else { throw .notFound("\(kind) \(text)") }
        return id
    }

    private func portfolios(_ context: TenantSession.Context) -> PortfolioStore {
        PortfolioStore(context.scope)
    }
}
