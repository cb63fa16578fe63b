import APIDefinition
import Domain
import Foundation
import Persistence

/// Between the generated wire types and portfolios and programmes.
enum HierarchyMapping {
    static func resource(_ record: PortfolioRecord) -> Components.Schemas.Portfolio {
        Components.Schemas.Portfolio(
            id: record.id.wire, name: record.name, description: record.description,
            createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func resource(_ record: ProgrammeRecord) -> Components.Schemas.Programme {
        Components.Schemas.Programme(
            id: record.id.wire, portfolioId: record.portfolioID?.wire,
            name: record.name, description: record.description,
            workstreams: record.workstreams.map { .init(name: $0.name, description: $0.description) },
            createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func workstreams(_ items: [Components.Schemas.Workstream], _ checks: inout FieldChecks) -> [Workstream] {
        checks.require(items.count <= 50, "/workstreams", "must hold at most 50 workstreams")
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            checks.requireName(item.name, at: "/workstreams/\(index)/name")
            checks.require(seen.insert(item.name).inserted, "/workstreams/\(index)/name", "is used by another workstream")
            checks.requireText(item.description, maxLength: 2000, at: "/workstreams/\(index)/description")
        }
        return items.map { Workstream(name: $0.name, description: $0.description) }
    }
}
