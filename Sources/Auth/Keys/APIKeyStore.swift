public import Domain
public import Foundation
import Logging
public import Persistence
public import PostgresNIO

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

/// `api_keys` of one tenant.
public struct APIKeyStore: TenantTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "api_keys"
    public static let columns = "id, public_id, name, scopes, created_at, expires_at, revoked_at, last_used_at"

    public static func decode(_ row: PostgresRow) throws -> APIKeyRecord {
        let (id, publicID, name, scopes, createdAt, expiresAt, revokedAt, lastUsedAt) = try row.decode(
            (UUID, String, String, [String], Date, Date?, Date?, Date?).self)
        return APIKeyRecord(id: id, publicID: publicID, name: name, scopes: scopes, createdAt: createdAt,
                            expiresAt: expiresAt, revokedAt: revokedAt, lastUsedAt: lastUsedAt)
    }

    /// Creates a key for an owner or none; the returned secret is the only copy.
    public func insert(name: String, scopes: [Scope], expiresAt: Date?, id: UUID,
                       owner: KeyOwner? = nil) async throws -> (APIKeyRecord, SecretToken) {
        let secret = SecretToken.generate()
        let scopeNames = scopes.sorted().map(\.rawValue)
        var memberID: UUID?, clientID: UUID?
        switch owner {
        case .member(let id): memberID = id
        case .client(let id): clientID = id
        case nil: break
        }
        // The key and its directory entry, in the caller's transaction (migration 0025 says why the key
        // no longer refers to the entry by a foreign key).
        try await scope.query("select pmo.register_key(\(secret.publicID))")
        let inserted = try await rows("""
            insert into api_keys (tenant_id, id, public_id, name, secret_hash, scopes, expires_at, member_id, client_id)
            values (\(tenantID), \(id), \(secret.publicID), \(name), \(ByteBuffer(bytes: secret.secretHash)),
                    \(scopeNames), \(expiresAt), \(memberID), \(clientID))
            returning \(unescaped: Self.columns)
            """)
        guard let record = inserted.first else { throw MissingRow(table: Self.table) }
        return (record, secret)
    }

    /// Who a key belongs to; nil for a key made with the admin CLI.
    public func owner(ofKey keyID: UUID) async throws -> KeyOwner? {
        let rows = try await scope.query(
            "select member_id, client_id from api_keys where tenant_id = \(tenantID) and id = \(keyID)")
        for try await (memberID, clientID) in rows.decode((UUID?, UUID?).self) {
            return memberID.map(KeyOwner.member) ?? clientID.map(KeyOwner.client)
        }
        return nil
    }

    /// The owner's keys, newest first.
    public func keys(of owner: KeyOwner) async throws -> [APIKeyRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from api_keys
            where tenant_id = \(tenantID) and \(unescaped: owner.column) = \(owner.id) order by created_at desc, id desc
            """)
    }

    /// Narrows every key of the owner to `scopes` (after its role or scopes shrank).
    public func narrowKeys(of owner: KeyOwner, to scopes: Set<Scope>) async throws {
        try await scope.query("""
            update api_keys set scopes = array(select s from unnest(scopes) s where s = any(\(scopes.map(\.rawValue))) order by s)
            where tenant_id = \(tenantID) and \(unescaped: owner.column) = \(owner.id)
            """)
    }

    /// Revokes every active key of the owner.
    public func revokeKeys(of owner: KeyOwner) async throws {
        try await scope.query("""
            update api_keys set revoked_at = now()
            where tenant_id = \(tenantID) and \(unescaped: owner.column) = \(owner.id) and revoked_at is null
            """)
    }

    /// Revokes one of the owner's keys, keeping the first revocation time. Nil when the owner has no
    /// key with that id; false when it was revoked already (nothing changed).
    public func revokeKey(_ keyID: UUID, of owner: KeyOwner) async throws -> Bool? {
        // No `now()` in the RETURNING list (Citus refuses a non-immutable function there): a row
        // comes back only when this statement revoked the key.
        let revoked = try await scope.query("""
            update api_keys set revoked_at = now()
            where tenant_id = \(tenantID) and id = \(keyID) and \(unescaped: owner.column) = \(owner.id)
              and revoked_at is null
            returning id
            """)
        for try await _ in revoked { return true }
        let existing = try await scope.query("""
            select id from api_keys where tenant_id = \(tenantID) and id = \(keyID) and \(unescaped: owner.column) = \(owner.id)
            """)
        for try await _ in existing { return false }
        return nil
    }

    /// Active (not revoked) keys of the tenant.
    public func active() async throws -> [APIKeyRecord] {
        try await rows(
            "select \(unescaped: Self.columns) from api_keys where tenant_id = \(tenantID) and revoked_at is null order by created_at, id")
    }

    /// The active keys that belong to neither a member nor a client (`pmo-admin key create` and
    /// manifests make them), oldest first.
    public func activeUnowned() async throws -> [APIKeyRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from api_keys
            where tenant_id = \(tenantID) and revoked_at is null and member_id is null and client_id is null
            order by created_at, id
            """)
    }

    /// Every key of the tenant, oldest first.
    public func all() async throws -> [APIKeyRecord] {
        try await rows("select \(unescaped: Self.columns) from api_keys where tenant_id = \(tenantID) order by created_at, id")
    }

    public func updateScopes(keyID: UUID, scopes: [Scope]) async throws {
        try await scope.query(
            "update api_keys set scopes = \(scopes.map(\.rawValue)) where tenant_id = \(tenantID) and id = \(keyID)")
    }

    /// Revokes every active key with this name (used to rotate a named key); returns their ids.
    public func revokeNamed(_ name: String) async throws -> [UUID] {
        try await rows("""
            update api_keys set revoked_at = now()
            where tenant_id = \(tenantID) and name = \(name) and revoked_at is null
            returning \(unescaped: Self.columns)
            """).map(\.id)
    }

    /// Revokes a key named by its id or public id, audited as the CLI operator; revoking twice keeps
    /// the first time.
    public func revoke(reference: String) async throws -> APIKeyRecord {
        let id = UUID(uuidString: reference)
        let key = try await rows("""
            update api_keys set revoked_at = coalesce(revoked_at, \(Date()))
            where tenant_id = \(tenantID) and (id = \(id) or public_id = \(reference))
            returning \(unescaped: Self.columns)
            """).first
        guard let key else { throw UnknownAPIKey(reference: reference) }
        try await AuditLog(scope).recordOperator("revokeApiKey", resourceType: "api_key", resourceID: key.id)
        return key
    }
}

/// Keys by public id, before any tenant is known: the one lookup that routes a request to its tenant.
public enum KeyDirectory {
    /// Sets the key's tenant for the transaction and returns what authentication needs; nil for an
    /// unknown public id. This is the first statement of every authenticated transaction.
    public static func beginRequest(publicID: String, on connection: PostgresConnection,
                                    logger: Logger) async throws -> StoredKey? {
        let rows = try await connection.query(
            "select * from pmo.begin_key_request(\(publicID))", logger: logger)
        for try await (tenant, key, hash, scopes, expiresAt, revokedAt, status) in rows.decode(
            (TenantID, UUID, ByteBuffer, [String], Date?, Date?, String).self) {
            return StoredKey(tenantID: tenant, keyID: key, secretHash: Array(buffer: hash), scopes: scopes,
                             expiresAt: expiresAt, revokedAt: revokedAt, tenantStatus: status)
        }
        return nil
    }
}
