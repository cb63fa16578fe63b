public import Domain
public import Foundation
import Logging
public import Persistence
import PostgresNIO

/// A platform operator, authenticated for one request.
public struct OperatorPrincipal: Sendable, Equatable {
    public let operatorID: UUID
    public let role: OperatorRole
}

/// An operator as the admin CLI lists them.
public struct OperatorRecord: Sendable, Equatable {
    public let id: UUID
    public let email: String
    public let role: OperatorRole
    public let tenants: [String]
}

public struct UnknownOperator: Error, Equatable { public let email: String }
public struct DuplicateOperator: Error, Equatable { public let email: String }

/// A tenant as the platform API shows it.
public struct PlatformTenantRecord: Sendable, Equatable {
    public let id: UUID
    public let slug: String
    public let name: String
    public let plan: String
    public let status: String
    public let createdAt: Date
    public let updatedAt: Date
}

/// SQL for operators: created and assigned with the admin CLI (owner role), authenticated and
/// served through SECURITY DEFINER functions (app role).
public enum OperatorStore {
    /// Creates an operator with one key; the returned secret is the only copy.
    public static func create(email: String, role: OperatorRole, database: Database) async throws -> (UUID, SecretToken) {
        let key = SecretToken.generate(.operatorKey)
        let id = Domain.Environment.live.newID()
        try await database.transaction { connection in
            do {
                try await connection.query(
                    "insert into operators (id, email, role) values (\(id), \(email), \(role.rawValue))", logger: database.logger)
            } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
                throw DuplicateOperator(email: email)
            }
            try await connection.query("""
                insert into operator_keys (public_id, operator_id, secret_hash)
                values (\(key.publicID), \(id), \(ByteBuffer(bytes: key.secretHash)))
                """, logger: database.logger)
        }
        return (id, key)
    }

    /// Assigns a tenant to an account manager (again: no change).
    public static func assign(email: String, tenantID: TenantID, database: Database) async throws {
        let rows = try await database.query("""
            with found as (select id from operators where email = \(email)),
                 added as (insert into operator_assignments (operator_id, tenant_id)
                           select id, \(tenantID) from found on conflict do nothing)
            select count(*)::int from found
            """)
        for try await found in rows.decode(Int.self) where found == 0 { throw UnknownOperator(email: email) }
    }

    public static func list(database: Database) async throws -> [OperatorRecord] {
        let rows = try await database.query("""
            select o.id, o.email, o.role,
                   coalesce(array_agg(t.slug order by t.slug) filter (where t.slug is not null), '{}')
            from operators o
            left join operator_assignments a on a.operator_id = o.id
            left join tenants t on t.id = a.tenant_id
            group by o.id order by o.email
            """)
        var operators: [OperatorRecord] = []
        for try await (id, email, role, tenants) in rows.decode((UUID, String, String, [String]).self) {
            guard let role = OperatorRole(rawValue: role) else { throw CorruptRow(table: "operators", id: id) }
            operators.append(OperatorRecord(id: id, email: email, role: role, tenants: tenants))
        }
        return operators
    }

    /// Authenticates an operator key: one statement, the hash compared here in constant time.
    /// Refusals are `AuthFailure`s; database errors pass through.
    public static func authenticate(_ key: SecretToken, database: Database) async throws -> OperatorPrincipal {
        var found: (UUID, [UInt8], String, Date?, Date?)?
        let rows = try await database.query("select * from pmo.begin_operator_request(\(key.publicID))")
        for try await (id, hash, role, revokedAt, disabledAt) in rows.decode((UUID, ByteBuffer, String, Date?, Date?).self) {
            found = (id, Array(buffer: hash), role, revokedAt, disabledAt)
        }
        guard let (id, hash, roleName, revokedAt, disabledAt) = found, key.matches(storedHash: hash) else {
            throw AuthFailure.unknownKey
        }
        guard revokedAt == nil, disabledAt == nil else { throw AuthFailure.revokedKey }
        guard let role = OperatorRole(rawValue: roleName) else { throw AuthFailure.unknownKey }
        return OperatorPrincipal(operatorID: id, role: role)
    }

    /// The tenants the operator may see: a page after `after`, or the one with `id`; each with the
    /// plan it is on `today`.
    public static func tenants(for principal: OperatorPrincipal, id: UUID? = nil, after: UUID? = nil, limit: Int,
                               today: CalendarDate, database: Database) async throws -> [PlatformTenantRecord] {
        let rows = try await database.query("""
            select * from pmo.operator_tenants(\(principal.operatorID), \(id), \(after), \(Int64(limit)))
            """)
        var found: [(UUID, String, String, String, Date, Date)] = []
        for try await row in rows.decode((UUID, String, String, String, Date, Date).self) { found.append(row) }
        guard !found.isEmpty else { return [] }
        var plans: [UUID: String] = [:]
        let planRows = try await database.query("""
            select tenant_id, code from pmo.operator_tenant_plans(\(principal.operatorID), \(found.map(\.0)), \(today))
            """)
        for try await (tenant, code) in planRows.decode((UUID, String).self) { plans[tenant] = code }
        return found.map { id, slug, name, status, createdAt, updatedAt in
            PlatformTenantRecord(id: id, slug: slug, name: name, plan: plans[id] ?? "", status: status,
                                 createdAt: createdAt, updatedAt: updatedAt)
        }
    }
}
