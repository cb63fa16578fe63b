import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO

/// An API client as stored, with the latest use of any of its keys.
public struct ClientRecord: Sendable, Equatable {
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

/// SQL for `api_clients`, inside a transaction whose tenant is set.
public struct ClientStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        c.id, c.name, c.scopes, c.status, c.disabled_at,
        (select max(k.last_used_at) from api_keys k where k.tenant_id = c.tenant_id and k.client_id = c.id),
        c.version, c.created_at, c.updated_at
        """

    public func insert(id: UUID, name: String, scopes: [Scope], at now: Date) async throws -> ClientRecord {
        if let existing = try await single("""
            select \(unescaped: Self.columns) from api_clients c where c.tenant_id = \(tenantID) and c.name = \(name)
            """) {
            throw DuplicateClientName(name: name, clientID: existing.id)
        }
        do {
            try await connection.query("""
                insert into api_clients (tenant_id, id, name, scopes, status, created_at, updated_at)
                values (\(tenantID), \(id), \(name), \(scopes.sorted().map(\.rawValue)), 'active', \(now), \(now))
                """, logger: logger)
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateClientName(name: name, clientID: nil)
        }
        return try await find(id)!
    }

    /// The client, or nil when it does not exist in this tenant. `lock` takes a row lock for a write.
    public func find(_ id: UUID, lock: Bool = false) async throws -> ClientRecord? {
        try await single("""
            select \(unescaped: Self.columns) from api_clients c where c.tenant_id = \(tenantID) and c.id = \(id)
            \(unescaped: lock ? "for update of c" : "")
            """)
    }

    /// A page in id order (oldest first), after the cursor's id.
    public func list(status: ClientStatus?, after: UUID?, limit: Int) async throws -> [ClientRecord] {
        try await all(connection.query("""
            select \(unescaped: Self.columns) from api_clients c
            where c.tenant_id = \(tenantID) and c.id > \(after ?? UUIDv7.lowest)
              and (\(status?.rawValue)::text is null or c.status = \(status?.rawValue))
            order by c.id limit \(limit)
            """, logger: logger))
    }

    /// Writes name, scopes and status and bumps the version; a second client with the new name is a duplicate.
    public func update(_ client: ClientRecord, at now: Date) async throws -> ClientRecord {
        if let other = try await single("""
            select \(unescaped: Self.columns) from api_clients c
            where c.tenant_id = \(tenantID) and c.name = \(client.name) and c.id <> \(client.id)
            """) {
            throw DuplicateClientName(name: client.name, clientID: other.id)
        }
        do {
            try await connection.query("""
                update api_clients set name = \(client.name), scopes = \(client.scopes.sorted().map(\.rawValue)),
                    status = \(client.status.rawValue), disabled_at = \(client.disabledAt), version = version + 1,
                    updated_at = \(now)
                where tenant_id = \(tenantID) and id = \(client.id)
                """, logger: logger)
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateClientName(name: client.name, clientID: nil)
        }
        return try await find(client.id)!
    }

    func single(_ query: PostgresQuery) async throws -> ClientRecord? {
        try await all(connection.query(query, logger: logger)).first
    }

    func all(_ rows: PostgresRowSequence) async throws -> [ClientRecord] {
        var records: [ClientRecord] = []
        for try await (id, name, scopes, status, disabledAt, lastUsedAt, version, createdAt, updatedAt) in rows.decode(
            (UUID, String, [String], String, Date?, Date?, Int64, Date, Date).self) {
            guard let status = ClientStatus(rawValue: status) else { throw CorruptRow(table: "api_clients", id: id) }
            records.append(ClientRecord(
                id: id, name: name, scopes: scopes.compactMap(Scope.init(rawValue:)), status: status,
                disabledAt: disabledAt, lastUsedAt: lastUsedAt, version: version, createdAt: createdAt,
                updatedAt: updatedAt))
        }
        return records
    }
}
