public import Domain
public import Foundation
public import Persistence
public import PostgresNIO

/// An API client as stored, with the latest use of any of its keys.
public struct ClientRecord: VersionedRow, Equatable {
    public var id: UUID
    public var name: String
    public var scopes: [Scope]
    public var status: ClientStatus
    public var disabledAt: Date?
    public var lastUsedAt: Date?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// An API client with this name exists already in the tenant.
public struct DuplicateClientName: Error, Equatable {
    public let name: String
    /// Nil when the other client was created concurrently (its id is not known in this transaction).
    public let clientID: UUID?
}

/// `api_clients`: service accounts, each with keys of its own.
public struct ClientStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "api_clients"
    public static let columnsReadOtherTables = true
    /// The client's own columns.
    static let ownColumns = "id, name, scopes, status, disabled_at, version, created_at, updated_at"
    /// With the latest use of the client's keys, read where the client is. A write's RETURNING has
    /// the caller's in its place (Citus refuses a subquery there); writing the client changes no key.
    public static let columns = """
        \(ownColumns),
        (select max(k.last_used_at) from api_keys k
         where k.tenant_id = api_clients.tenant_id and k.client_id = api_clients.id)
        """

    public static func decode(_ row: PostgresRow) throws -> ClientRecord {
        let (id, name, scopes, status, disabledAt, version, createdAt, updatedAt, lastUsedAt) = try row.decode(
            (UUID, String, [String], String, Date?, Int64, Date, Date, Date?).self)
        guard let status = ClientStatus(rawValue: status) else { throw Self.corrupt(id) }
        return ClientRecord(
            id: id, name: name, scopes: scopes.compactMap(Scope.init(rawValue:)), status: status,
            disabledAt: disabledAt, lastUsedAt: lastUsedAt, version: version, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// The name is taken by a client written concurrently (one committed before the write is found
    /// first, and named with its id).
    public static func error(for violation: ConstraintViolation, writing row: ClientRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateClientName(name: row.name, clientID: nil) : nil
    }

    /// Adds an active client; a client with this name is a duplicate.
    public func insert(id: UUID, name: String, scopes: [Scope], at now: Date) async throws -> ClientRecord {
        if let existing = try await firstID(
            "select id from api_clients where tenant_id = \(tenantID) and name = \(name)") {
            throw DuplicateClientName(name: name, clientID: existing)
        }
        let client = ClientRecord(id: id, name: name, scopes: scopes, status: .active, disabledAt: nil, lastUsedAt: nil,
                                  version: 1, createdAt: now, updatedAt: now)
        return try await write("""
            insert into api_clients (tenant_id, id, name, scopes, status, created_at, updated_at)
            values (\(tenantID), \(id), \(name), \(scopes.sorted().map(\.rawValue)), 'active', \(now), \(now))
            returning \(unescaped: Self.ownColumns), \(client.lastUsedAt)::timestamptz
            """, client)
    }

    /// A page in id order (oldest first), after the cursor's id, of the clients with this status (or all).
    public func list(status: ClientStatus?, after: UUID?, limit: Int) async throws -> [ClientRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from api_clients
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(status?.rawValue)::text is null or status = \(status?.rawValue))
            order by id limit \(limit)
            """)
    }

    /// Every client of the tenant in id order, without the latest use of their keys (`lastUsedAt`
    /// nil): one shard on Citus, where the correlated column of `columns` reads every shard.
    public func everyWithoutKeyUse() async throws -> [ClientRecord] {
        try await rows("""
            select \(unescaped: Self.ownColumns), null::timestamptz from api_clients
            where tenant_id = \(tenantID) order by id
            """)
    }

    /// Writes name, scopes and status and bumps the version; a second client with the new name is a duplicate.
    public func update(_ client: ClientRecord, at now: Date) async throws -> ClientRecord {
        if let other = try await firstID("""
            select id from api_clients where tenant_id = \(tenantID) and name = \(client.name) and id <> \(client.id)
            """) {
            throw DuplicateClientName(name: client.name, clientID: other)
        }
        return try await write("""
            update api_clients set name = \(client.name), scopes = \(client.scopes.sorted().map(\.rawValue)),
                status = \(client.status.rawValue), disabled_at = \(client.disabledAt), version = version + 1,
                updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(client.id)
            returning \(unescaped: Self.ownColumns), \(client.lastUsedAt)::timestamptz
            """, client)
    }

    /// The id the statement selects first, if any.
    private func firstID(_ query: PostgresQuery) async throws -> UUID? {
        for try await id in try await scope.query(query).decode(UUID.self) { return id }
        return nil
    }
}
