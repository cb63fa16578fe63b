public import Auth
public import Domain
public import Foundation
public import Persistence
import PostgresNIO
import Testing

/// A tenant with one API key, created through the same stores the admin CLI uses.
public struct TenantFixture: Sendable {
    public let tenant: TenantRecord
    public let key: SecretToken
    public let keyID: UUID

    public var authorization: String { "Bearer \(key.token)" }
}

/// A member of a tenant with one personal access token.
public struct MemberFixture: Sendable {
    public let tenant: TenantRecord
    public let member: MemberRecord
    public let key: SecretToken
    public let keyID: UUID

    public var authorization: String { "Bearer \(key.token)" }
}

extension TestEnvironment {
    /// A tenant with a key holding `scopes`, on `plan` (enterprise by default: its rate limit, 500 requests/s
    /// with a burst of 1,000, is far above what one test sends, so only the rate-limit tests meet it).
    public func createTenant(
        _ slug: String, scopes: [Scope] = Scope.allCases, plan: String = "enterprise"
    ) async throws -> TenantFixture {
        try await withOwner { database in
            let environment = Domain.Environment.live
            let tenant = try await TenantStore(database: database).create(
                id: TenantID(environment.newID()), slug: slug, name: "Tenant \(slug)", plan: plan,
                today: CalendarDate(utcDate: environment.now()), subscriptionID: environment.newID())
            let (record, secret) = try await database.tenantTransaction(tenant.id) { scope in
                try await APIKeyStore(scope).insert(name: "test", scopes: scopes, expiresAt: nil,
                                                    id: Domain.Environment.live.newID())
            }
            return TenantFixture(tenant: tenant, key: secret, keyID: record.id)
        }
    }

    /// Another key for an existing tenant.
    public func createKey(for tenant: TenantRecord, scopes: [Scope], expiresAt: Date? = nil) async throws -> TenantFixture {
        try await withOwner { database in
            let (record, secret) = try await database.tenantTransaction(tenant.id) { scope in
                try await APIKeyStore(scope).insert(name: "extra", scopes: scopes, expiresAt: expiresAt,
                                                    id: Domain.Environment.live.newID())
            }
            return TenantFixture(tenant: tenant, key: secret, keyID: record.id)
        }
    }

    /// An active member with a personal access token holding the role's scopes, made as accepting an
    /// invitation makes them (the invitation flow itself is tested through the API).
    public func createMember(in tenant: TenantRecord, role: Role, email: String? = nil) async throws -> MemberFixture {
        try await withOwner { database in
            try await database.tenantTransaction(tenant.id) { scope in
                let store = MemberStore(scope)
                let now = Date()
                let (invited, invitation) = try await store.invite(
                    id: Domain.Environment.live.newID(), email: email ?? "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())@example.com",
                    name: nil, role: role, at: now, expiresAt: now.addingTimeInterval(Invitation.lifetime))
                let stored = try #require(try await Invitation.begin(publicID: invitation.publicID, on: scope.connection,
                                                                     logger: database.logger))
                let member = try await store.accept(stored, publicID: invitation.publicID, name: "Member \(role.rawValue)", at: now)
                let (record, secret) = try await APIKeyStore(scope).insert(
                    name: "test", scopes: Array(role.scopes), expiresAt: nil, id: Domain.Environment.live.newID(),
                    owner: .member(invited.id))
                return MemberFixture(tenant: tenant, member: member, key: secret, keyID: record.id)
            }
        }
    }

    /// The operations audited in the tenant through the API (not by operators), sorted.
    public func auditOperations(tenant: TenantID) async throws -> [String] {
        try await withOwner { database in
            var operations: [String] = []
            let rows = try await database.query("""
                select operation from audit_events where tenant_id = \(tenant) and actor_type <> 'operator'
                order by operation
                """)
            for try await operation in rows.decode(String.self) { operations.append(operation) }
            return operations
        }
    }

    /// Audit rows written through the API (the fixtures' own operator rows are not counted).
    public func apiAudits(tenant: TenantID? = nil) async throws -> Int {
        try await count("audit_events", tenant: tenant, apiOnly: true)
    }

    /// Counts rows of a table with the owner role (sees every tenant).
    public func count(_ table: String, tenant: TenantID? = nil) async throws -> Int {
        try await count(table, tenant: tenant, apiOnly: false)
    }

    private func count(_ table: String, tenant: TenantID?, apiOnly: Bool) async throws -> Int {
        let actorFilter = apiOnly ? " and actor_type = 'api_key'" : ""
        return try await withOwner { database in
            let query: PostgresQuery = tenant.map {
                "select count(*)::int from \(unescaped: table) where tenant_id = \($0)\(unescaped: actorFilter)"
            } ?? "select count(*)::int from \(unescaped: table) where true\(unescaped: actorFilter)"
            for try await count in try await database.query(query).decode(Int.self) {
                return count
            }
            return 0
        }
    }
}
