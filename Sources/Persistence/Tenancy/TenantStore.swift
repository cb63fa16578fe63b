public import Domain
public import Foundation
import Logging
public import PostgresNIO

/// A tenant as the platform (admin CLI, operators) sees it.
public struct TenantRecord: Sendable, Equatable {
    public var id: TenantID
    public var slug: String
    public var name: String
    public var plan: Plan
    public var status: TenantStatus
    public var createdAt: Date

    public init(id: TenantID, slug: String, name: String, plan: Plan, status: TenantStatus, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.plan = plan
        self.status = status
        self.createdAt = createdAt
    }
}

public struct DuplicateTenantSlug: Error, Equatable { public let slug: String }
public struct UnknownTenant: Error, Equatable { public let slug: String }

/// Platform-level SQL on `tenants`, run with the owner role (which bypasses row-level security).
public struct TenantStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func create(id: TenantID, slug: String, name: String, plan: Plan) async throws -> TenantRecord {
        do {
            return try await database.transaction { connection in
                let created = try await Self.first(connection.query("""
                    insert into tenants (id, slug, name, plan, status) values (\(id), \(slug), \(name), \(plan.rawValue), 'active')
                    returning id, slug, name, plan, status, created_at
                    """, logger: database.logger))
                guard let created else { throw UnknownTenant(slug: slug) }
                try await AuditLog(TenantScope(connection: connection, tenantID: id, logger: database.logger))
                    .recordOperator("createTenant", resourceType: "tenant", resourceID: id.uuid,
                                    changedFields: ["slug", "name", "plan", "status"])
                return created
            }
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateTenantSlug(slug: slug)
        }
    }

    public func list() async throws -> [TenantRecord] {
        try await database.transaction { connection in
            try await Self.all(connection.query(
                "select id, slug, name, plan, status, created_at from tenants order by slug", logger: database.logger))
        }
    }

    public func find(slug: String) async throws -> TenantRecord {
        let found = try await database.transaction { connection in
            try await Self.first(connection.query(
                "select id, slug, name, plan, status, created_at from tenants where slug = \(slug)",
                logger: database.logger))
        }
        guard let found else { throw UnknownTenant(slug: slug) }
        return found
    }

    /// Changes name, plan or status; returns the stored tenant. `audit` names the operation to
    /// record for the operator in the same transaction.
    public func update(_ tenant: TenantRecord, audit operation: String? = nil) async throws -> TenantRecord {
        try await database.transaction { connection in
            let updated = try await Self.first(connection.query("""
                update tenants set name = \(tenant.name), plan = \(tenant.plan.rawValue), status = \(tenant.status.rawValue),
                    updated_at = now()
                where id = \(tenant.id)
                returning id, slug, name, plan, status, created_at
                """, logger: database.logger))
            guard let updated else { throw UnknownTenant(slug: tenant.slug) }
            if let operation {
                try await AuditLog(TenantScope(connection: connection, tenantID: tenant.id, logger: database.logger))
                    .recordOperator(operation, resourceType: "tenant", resourceID: tenant.id.uuid, changedFields: ["status"])
            }
            return updated
        }
    }

    public static func first(_ rows: PostgresRowSequence) async throws -> TenantRecord? {
        try await all(rows).first
    }

    static func all(_ rows: PostgresRowSequence) async throws -> [TenantRecord] {
        var tenants: [TenantRecord] = []
        for try await (id, slug, name, plan, status, createdAt) in rows.decode(
            (TenantID, String, String, String, String, Date).self) {
            guard let plan = Plan(rawValue: plan), let status = TenantStatus(rawValue: status) else {
                throw CorruptRow(table: "tenants", id: id.uuid)
            }
            tenants.append(TenantRecord(id: id, slug: slug, name: name, plan: plan, status: status, createdAt: createdAt))
        }
        return tenants
    }
}
