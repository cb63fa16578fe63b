import APIDefinition
import Auth
import Domain
import Foundation

/// The platform API for operators: account managers see the tenants assigned to them,
/// platform admins every tenant; neither sees tenant data through it.
extension APIHandler {
    func listPlatformTenants(_ input: Operations.ListPlatformTenants.Input) async throws -> Operations.ListPlatformTenants.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let today = CalendarDate(utcDate: session.environment.now())
        let page = try await session.platform { principal, database in
            try await OperatorStore.tenants(for: principal, after: cursor, limit: limit + 1, today: today, database: database)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.platformTenant), nextCursor: next))))
    }

    func getPlatformTenant(_ input: Operations.GetPlatformTenant.Input) async throws -> Operations.GetPlatformTenant.Output {
        guard let id = UUID(uuidString: input.path.tenantId) else { throw APIProblem.notFound("Tenant \(input.path.tenantId)") }
        let today = CalendarDate(utcDate: session.environment.now())
        let found = try await session.platform { principal, database in
            try await OperatorStore.tenants(for: principal, id: id, limit: 1, today: today, database: database)
        }
        // Not assigned to this account manager reads as absent: nothing says it exists.
        guard let tenant = found.first else { throw APIProblem.notFound("Tenant \(input.path.tenantId)") }
        return .ok(.init(body: .json(Self.platformTenant(tenant))))
    }

    static func platformTenant(_ record: PlatformTenantRecord) -> Components.Schemas.PlatformTenant {
        Components.Schemas.PlatformTenant(
            id: record.id.wire, slug: record.slug, name: record.name,
            plan: record.plan, status: .init(rawValue: record.status) ?? .provisioning,
            createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}
