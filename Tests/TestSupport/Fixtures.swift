import Auth
import Domain
import Foundation
import Persistence
import PostgresNIO

/// A tenant with one API key, created through the same stores the admin CLI uses.
public struct TenantFixture: Sendable {
    public let tenant: TenantRecord
    public let key: APIKeySecret
    public let keyID: UUID

    public var authorization: String { "Bearer \(key.token)" }
}

extension TestEnvironment {
    public func createTenant(
        _ slug: String, scopes: [Scope] = Scope.allCases, plan: Plan = .professional
    ) async throws -> TenantFixture {
        try await withOwner { database in
            let tenant = try await TenantStore(database: database).create(
                id: Domain.Environment.live.newID(), slug: slug, name: "Tenant \(slug)", plan: plan)
            let (record, secret) = try await database.tenantTransaction(tenant.id) { connection in
                try await APIKeyStore.insert(tenantID: tenant.id, name: "test", scopes: scopes, expiresAt: nil,
                                             id: Domain.Environment.live.newID(), on: connection, logger: database.logger)
            }
            return TenantFixture(tenant: tenant, key: secret, keyID: record.id)
        }
    }

    /// Another key for an existing tenant.
    public func createKey(for tenant: TenantRecord, scopes: [Scope], expiresAt: Date? = nil) async throws -> TenantFixture {
        try await withOwner { database in
            let (record, secret) = try await database.tenantTransaction(tenant.id) { connection in
                try await APIKeyStore.insert(tenantID: tenant.id, name: "extra", scopes: scopes, expiresAt: expiresAt,
                                             id: Domain.Environment.live.newID(), on: connection, logger: database.logger)
            }
            return TenantFixture(tenant: tenant, key: secret, keyID: record.id)
        }
    }

    /// Audit rows written through the API (the fixtures' own operator rows are not counted).
    public func apiAudits(tenant: UUID? = nil) async throws -> Int {
        try await count("audit_events", tenant: tenant, apiOnly: true)
    }

    /// Counts rows of a table with the owner role (sees every tenant).
    public func count(_ table: String, tenant: UUID? = nil) async throws -> Int {
        try await count(table, tenant: tenant, apiOnly: false)
    }

    private func count(_ table: String, tenant: UUID?, apiOnly: Bool) async throws -> Int {
        let actorFilter = apiOnly ? " and actor_type = 'api_key'" : ""
        return try await withOwner { database in
            let query: PostgresQuery = tenant.map {
                "select count(*)::int from \(unescaped: table) where tenant_id = \($0)\(unescaped: actorFilter)"
            } ?? "select count(*)::int from \(unescaped: table) where true\(unescaped: actorFilter)"
            for try await count in try await database.client.query(query, logger: database.logger).decode(Int.self) {
                return count
            }
            return 0
        }
    }
}
