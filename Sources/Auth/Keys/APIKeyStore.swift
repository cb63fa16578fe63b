import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO

/// An API key as operators see it (never with its secret).
public struct APIKeyRecord: Sendable, Equatable {
    public var id: UUID
    public var publicID: String
    public var name: String
    public var scopes: [String]
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(id: UUID, publicID: String, name: String, scopes: [String], createdAt: Date, expiresAt: Date?,
                revokedAt: Date?, lastUsedAt: Date?) {
        self.id = id
        self.publicID = publicID
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }
}

public struct UnknownAPIKey: Error, Equatable { public let reference: String }

/// Who a key belongs to: a member (personal access token) or an API client. Keys made with
/// `pmo-admin key create` belong to neither.
public enum KeyOwner: Sendable, Equatable {
    case member(UUID)
    case client(UUID)

    var column: String {
        switch self {
        case .member: "member_id"
        case .client: "client_id"
        }
    }

    var id: UUID {
        switch self {
        case .member(let id), .client(let id): id
        }
    }
}

/// SQL for API keys.
public enum APIKeyStore {
    /// Creates a key inside the caller's transaction (whose tenant must be set), for an owner or
    /// none; the returned secret is the only copy.
    public static func insert(tenantID: UUID, name: String, scopes: [Scope], expiresAt: Date?, id: UUID,
                              owner: KeyOwner? = nil, on connection: PostgresConnection,
                              logger: Logger) async throws -> (APIKeyRecord, SecretToken) {
        let secret = SecretToken.generate()
        let scopeNames = scopes.sorted().map(\.rawValue)
        var memberID: UUID?, clientID: UUID?
        switch owner {
        case .member(let id): memberID = id
        case .client(let id): clientID = id
        case nil: break
        }
        try await connection.query("select pmo.register_key(\(secret.publicID))", logger: logger)
        let record = try await first(connection.query("""
            insert into api_keys (tenant_id, id, public_id, name, secret_hash, scopes, expires_at, member_id, client_id)
            values (\(tenantID), \(id), \(secret.publicID), \(name), \(ByteBuffer(bytes: secret.secretHash)),
                    \(scopeNames), \(expiresAt), \(memberID), \(clientID))
            returning \(unescaped: columns)
            """, logger: logger))!
        return (record, secret)
    }

    /// Who a key belongs to; nil for a key made with the admin CLI.
    public static func owner(ofKey keyID: UUID, tenantID: UUID, on connection: PostgresConnection,
                             logger: Logger) async throws -> KeyOwner? {
        let rows = try await connection.query(
            "select member_id, client_id from api_keys where tenant_id = \(tenantID) and id = \(keyID)", logger: logger)
        for try await (memberID, clientID) in rows.decode((UUID?, UUID?).self) {
            return memberID.map(KeyOwner.member) ?? clientID.map(KeyOwner.client)
        }
        return nil
    }

    /// The owner's keys, newest first, inside the caller's tenant transaction.
    public static func keys(of owner: KeyOwner, tenantID: UUID, on connection: PostgresConnection,
                            logger: Logger) async throws -> [APIKeyRecord] {
        try await all(connection.query("""
            select \(unescaped: columns) from api_keys
            where tenant_id = \(tenantID) and \(unescaped: owner.column) = \(owner.id) order by created_at desc, id desc
            """, logger: logger))
    }

    /// Narrows every key of the owner to `scopes` (after its role or scopes shrank).
    public static func narrowKeys(of owner: KeyOwner, to scopes: Set<Scope>, tenantID: UUID,
                                  on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            update api_keys set scopes = array(select s from unnest(scopes) s where s = any(\(scopes.map(\.rawValue))) order by s)
            where tenant_id = \(tenantID) and \(unescaped: owner.column) = \(owner.id)
            """, logger: logger)
    }

    /// Revokes every active key of the owner.
    public static func revokeKeys(of owner: KeyOwner, tenantID: UUID, on connection: PostgresConnection,
                                  logger: Logger) async throws {
        try await connection.query("""
            update api_keys set revoked_at = now()
            where tenant_id = \(tenantID) and \(unescaped: owner.column) = \(owner.id) and revoked_at is null
            """, logger: logger)
    }

    /// Revokes one of the owner's keys, keeping the first revocation time. Nil when the owner has no
    /// key with that id; false when it was revoked already (nothing changed).
    public static func revokeKey(_ keyID: UUID, of owner: KeyOwner, tenantID: UUID, on connection: PostgresConnection,
                                 logger: Logger) async throws -> Bool? {
        let rows = try await connection.query("""
            update api_keys set revoked_at = coalesce(revoked_at, now())
            where tenant_id = \(tenantID) and id = \(keyID) and \(unescaped: owner.column) = \(owner.id)
            returning revoked_at = now()
            """, logger: logger)
        for try await revokedNow in rows.decode(Bool.self) { return revokedNow }
        return nil
    }

    /// Active (not revoked) keys of the tenant, inside the caller's transaction.
    public static func active(tenantID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [APIKeyRecord] {
        try await all(connection.query(
            "select \(unescaped: columns) from api_keys where tenant_id = \(tenantID) and revoked_at is null order by created_at, id",
            logger: logger))
    }

    public static func updateScopes(tenantID: UUID, keyID: UUID, scopes: [Scope], on connection: PostgresConnection,
                                    logger: Logger) async throws {
        try await connection.query(
            "update api_keys set scopes = \(scopes.map(\.rawValue)) where tenant_id = \(tenantID) and id = \(keyID)",
            logger: logger)
    }

    /// Revokes every active key with this name (used to rotate a named key); returns their ids.
    public static func revokeNamed(_ name: String, tenantID: UUID, on connection: PostgresConnection,
                                   logger: Logger) async throws -> [UUID] {
        try await all(connection.query("""
            update api_keys set revoked_at = now()
            where tenant_id = \(tenantID) and name = \(name) and revoked_at is null
            returning \(unescaped: columns)
            """, logger: logger)).map(\.id)
    }

    public static func list(tenantID: UUID, database: Database) async throws -> [APIKeyRecord] {
        try await database.tenantTransaction(tenantID) { connection in
            try await all(connection.query(
                "select \(unescaped: columns) from api_keys where tenant_id = \(tenantID) order by created_at, id",
                logger: database.logger))
        }
    }

    /// Revokes a key named by its id or public id, audited as the CLI operator; revoking twice keeps
    /// the first time.
    public static func revoke(tenantID: UUID, reference: String, database: Database) async throws -> APIKeyRecord {
        let id = UUID(uuidString: reference)
        let revoked = try await database.tenantTransaction(tenantID) { connection in
            let key = try await first(connection.query("""
                update api_keys set revoked_at = coalesce(revoked_at, now())
                where tenant_id = \(tenantID) and (id = \(id) or public_id = \(reference))
                returning \(unescaped: columns)
                """, logger: database.logger))
            if let key {
                try await AuditLog.recordOperator("revokeApiKey", resourceType: "api_key", resourceID: key.id,
                                                  tenantID: tenantID, on: connection, logger: database.logger)
            }
            return key
        }
        guard let revoked else { throw UnknownAPIKey(reference: reference) }
        return revoked
    }

    /// Sets the key's tenant for the transaction and returns what authentication needs; nil for an
    /// unknown public id. This is the first statement of every authenticated transaction.
    public static func beginRequest(publicID: String, on connection: PostgresConnection,
                                    logger: Logger) async throws -> StoredKey? {
        let rows = try await connection.query(
            "select * from pmo.begin_key_request(\(publicID))", logger: logger)
        for try await (tenant, key, hash, scopes, expiresAt, revokedAt, status) in rows.decode(
            (UUID, UUID, ByteBuffer, [String], Date?, Date?, String).self) {
            return StoredKey(tenantID: tenant, keyID: key, secretHash: Array(buffer: hash), scopes: scopes,
                             expiresAt: expiresAt, revokedAt: revokedAt, tenantStatus: status)
        }
        return nil
    }

    static let columns = "id, public_id, name, scopes, created_at, expires_at, revoked_at, last_used_at"

    static func first(_ rows: PostgresRowSequence) async throws -> APIKeyRecord? {
        try await all(rows).first
    }

    static func all(_ rows: PostgresRowSequence) async throws -> [APIKeyRecord] {
        var records: [APIKeyRecord] = []
        for try await (id, publicID, name, scopes, createdAt, expiresAt, revokedAt, lastUsedAt) in rows.decode(
            (UUID, String, String, [String], Date, Date?, Date?, Date?).self) {
            records.append(APIKeyRecord(id: id, publicID: publicID, name: name, scopes: scopes, createdAt: createdAt,
                                        expiresAt: expiresAt, revokedAt: revokedAt, lastUsedAt: lastUsedAt))
        }
        return records
    }
}
