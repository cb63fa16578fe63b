public import Domain
public import Foundation
public import Logging
public import Persistence
public import PostgresNIO

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
            try await cliAudit("operator create", type: "operator", id: id.uuidString.lowercased(), changed: ["email", "role"],
                               connection: connection, logger: database.logger)
        }
        return (id, key)
    }

    /// Assigns a tenant to an account manager (again: no change).
    public static func assign(email: String, tenantID: TenantID, database: Database) async throws {
        try await database.transaction { connection in
            var operatorID: UUID?
            for try await id in try await connection.query("select id from operators where email = \(email)",
                                                           logger: database.logger).decode(UUID.self) { operatorID = id }
            guard let operatorID else { throw UnknownOperator(email: email) }
            // The operator is read first and the assignment written with VALUES (Citus-ready).
            var added = false
            for try await _ in try await connection.query("""
                insert into operator_assignments (operator_id, tenant_id) values (\(operatorID), \(tenantID))
                on conflict do nothing returning operator_id
                """, logger: database.logger) { added = true }
            if added {
                try await cliAudit("operator assign", tenant: tenantID.uuid, type: "account_manager",
                                   id: operatorID.uuidString.lowercased(), changed: ["assigned"],
                                   connection: connection, logger: database.logger)
            }
        }
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
        try await authenticate(keyID: key.publicID, database: database) { key.matches(storedHash: $0) }
    }

    /// The operator whose key has this public id, if the key is still good, without its secret:
    /// for a console session made with the key (whose own secret was checked instead).
    public static func authenticate(keyID: String, database: Database,
                                    secretMatches: ([UInt8]) -> Bool = { _ in true }) async throws -> OperatorPrincipal {
        var found: (UUID, [UInt8], String, Date?, Date?)?
        let rows = try await database.query("select * from pmo.begin_operator_request(\(keyID))")
        for try await (id, hash, role, revokedAt, disabledAt) in rows.decode((UUID, ByteBuffer, String, Date?, Date?).self) {
            found = (id, Array(buffer: hash), role, revokedAt, disabledAt)
        }
        guard let (id, hash, roleName, revokedAt, disabledAt) = found, secretMatches(hash) else {
            throw AuthFailure.unknownKey
        }
        guard revokedAt == nil, disabledAt == nil else { throw AuthFailure.revokedKey }
        guard let role = OperatorRole(rawValue: roleName) else { throw AuthFailure.unknownKey }
        return OperatorPrincipal(operatorID: id, role: role)
    }
}

/// An operator as the platform API lists them for platform admins, with their keys.
public struct PlatformOperatorRecord: Sendable, Equatable {
    public let id: UUID
    public let email: String
    public let role: OperatorRole
    public let createdAt: Date
    public let disabledAt: Date?
    public var keys: [OperatorKeyRecord]
}

/// An operator key by its public id (the part before the secret); never its hash.
public struct OperatorKeyRecord: Sendable, Equatable {
    public let id: String
    public let createdAt: Date
    public let revokedAt: Date?
}

/// What platform admins do to operators through the platform API: list them, disable one (every
/// key stops working), revoke one key. The functions refuse any other caller in the database too.
extension OperatorStore {
    public static func operators(for principal: OperatorPrincipal, on connection: PostgresConnection,
                                 logger: Logger) async throws -> [PlatformOperatorRecord] {
        let rows = try await connection.query("""
            select id, email, role, created_at, disabled_at, key_id, key_created_at, key_revoked_at
            from pmo.platform_operators(\(principal.operatorID))
            """, logger: logger)
        var operators: [PlatformOperatorRecord] = []
        for try await (id, email, role, createdAt, disabledAt, key, keyCreatedAt, keyRevokedAt)
            in rows.decode((UUID, String, String, Date, Date?, String?, Date?, Date?).self) {
            guard let role = OperatorRole(rawValue: role) else { throw CorruptRow(table: "operators", id: id) }
            if operators.last?.id != id {
                operators.append(PlatformOperatorRecord(id: id, email: email, role: role, createdAt: createdAt,
                                                        disabledAt: disabledAt, keys: []))
            }
            if let key, let keyCreatedAt {
                operators[operators.count - 1].keys.append(OperatorKeyRecord(id: key, createdAt: keyCreatedAt, revokedAt: keyRevokedAt))
            }
        }
        return operators
    }

    /// Disables `target`; when it took effect (the first time, if already disabled), nil for no such operator.
    public static func disable(_ target: UUID, by principal: OperatorPrincipal, on connection: PostgresConnection,
                               logger: Logger) async throws -> Date? {
        let rows = try await connection.query(
            "select pmo.platform_disable_operator(\(principal.operatorID), \(target))", logger: logger)
        for try await at in rows.decode(Date?.self) { return at }
        return nil
    }

    /// Revokes the key with public id `key`: its operator and when (the first time), nil for no such key.
    public static func revokeKey(_ key: String, by principal: OperatorPrincipal, on connection: PostgresConnection,
                                 logger: Logger) async throws -> (operatorID: UUID, revokedAt: Date)? {
        let rows = try await connection.query(
            "select operator_id, revoked_at from pmo.platform_revoke_operator_key(\(principal.operatorID), \(key))", logger: logger)
        for try await (id, at) in rows.decode((UUID, Date).self) { return (id, at) }
        return nil
    }
}

/// The admin CLI's operator changes (owner role), each recorded on the platform audit log.
extension OperatorStore {
    /// Disables the operator with `email`; false when they were disabled already (`UnknownOperator`).
    public static func disable(email: String, database: Database) async throws -> Bool {
        try await database.transaction { connection in
            let rows = try await connection.query("""
                select id, disabled_at is null from operators where email = \(email) for no key update
                """, logger: database.logger)
            var found: (UUID, Bool)?
            for try await row in rows.decode((UUID, Bool).self) { found = row }
            guard let (id, enabled) = found else { throw UnknownOperator(email: email) }
            guard enabled else { return false }
            try await connection.query("update operators set disabled_at = now() where id = \(id)", logger: database.logger)
            try await cliAudit("operator disable", type: "operator", id: id.uuidString.lowercased(), changed: ["disabledAt"],
                               connection: connection, logger: database.logger)
            return true
        }
    }

    /// Revokes the operator key with `publicID`; false when it was revoked already (`UnknownOperatorKey`).
    public static func revokeKey(publicID: String, database: Database) async throws -> Bool {
        try await database.transaction { connection in
            let rows = try await connection.query("""
                select revoked_at is null from operator_keys where public_id = \(publicID) for no key update
                """, logger: database.logger)
            var found: Bool?
            for try await live in rows.decode(Bool.self) { found = live }
            guard let live = found else { throw UnknownOperatorKey(publicID: publicID) }
            guard live else { return false }
            try await connection.query("update operator_keys set revoked_at = now() where public_id = \(publicID)",
                                       logger: database.logger)
            try await cliAudit("operator revoke-key", type: "operator_key", id: publicID, changed: ["revokedAt"],
                               connection: connection, logger: database.logger)
            return true
        }
    }

    private static func cliAudit(_ operation: String, tenant: UUID? = nil, type: String, id: String, changed: [String],
                                 connection: PostgresConnection, logger: Logger) async throws {
        try await PlatformAuditLog.recordCLI(operation, tenant: tenant, resourceType: type, resourceID: id, changed: changed,
                                             on: connection, logger: logger)
    }
}

public struct UnknownOperatorKey: Error, Equatable { public let publicID: String }
