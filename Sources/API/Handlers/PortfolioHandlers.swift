import APIDefinition
import Domain
import Foundation
import Persistence

/// Portfolios: the top of portfolio → programme → project.
extension APIHandler {
    static let portfolio = ResourceKind<PortfolioStore, Components.Schemas.Portfolio>(
        noun: "Portfolio", auditType: "portfolio",
        fields: [.init("name", \.name), .init("description", \.description)],
        store: { PortfolioStore($0.scope) }, render: HierarchyMapping.resource)

    func listPortfolios(_ input: Operations.ListPortfolios.Input) async throws -> Operations.ListPortfolios.Output {
        let page = try await list(Self.portfolio, limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: page.items, nextCursor: page.nextCursor))))
    }

    func createPortfolio(_ input: Operations.CreatePortfolio.Input) async throws -> Operations.CreatePortfolio.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        try PortfolioRules.check(name: body.name, description: body.description)
        let (created, etag) = try await create(Self.portfolio, operation: Operations.CreatePortfolio.id,
                                               location: { "/v1/portfolios/\($0.id.wire)" }) { context, store in
            let now = context.environment.now()
            return try await store.insert(PortfolioRecord(
                id: context.environment.newID(), name: body.name, description: body.description, createdAt: now,
                updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getPortfolio(_ input: Operations.GetPortfolio.Input) async throws -> Operations.GetPortfolio.Output {
        let (portfolio, etag) = try await read(Self.portfolio, input.path.portfolioId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(portfolio)))
    }

    func updatePortfolio(_ input: Operations.UpdatePortfolio.Input) async throws -> Operations.UpdatePortfolio.Output {
        let patch: Components.Schemas.PortfolioPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        // A path id that names nothing is 404; then the body's own rules come before the lookup.
        _ = try Self.portfolio.id(input.path.portfolioId)
        try PortfolioRules.check(name: patch.name, description: patch.description)
        let (portfolio, etag) = try await update(Self.portfolio, input.path.portfolioId,
                                                 operation: Operations.UpdatePortfolio.id) { context, current, _ in
            var next = current
            if let name = patch.name { next.name = name }
            if context.body.keys.contains("description") { next.description = patch.description }
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(portfolio)))
    }

    func deletePortfolio(_ input: Operations.DeletePortfolio.Input) async throws -> Operations.DeletePortfolio.Output {
        try await delete(Self.portfolio, input.path.portfolioId, operation: Operations.DeletePortfolio.id)
        return .noContent(.init())
    }


    /// A path id: a text that is no UUID names nothing (404, like an id that exists nowhere).
    static func resourceID(_ text: String, _ kind: String) throws(APIProblem) -> UUID {
        guard let id = UUID(uuidString: text) else { throw .notFound("\(kind) \(text)") }
        return id
    }
}

extension Components.Schemas.Portfolio: VersionedWire {}
