import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored governance forum.
public struct ForumRecord: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: ForumKind
    public var cadence: Cadence
    public var contractID: UUID?
    public var description: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, kind: ForumKind, cadence: Cadence, contractID: UUID?, description: String?,
                version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.kind = kind
        self.cadence = cadence
        self.contractID = contractID
        self.description = description
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// SQL for `governance_forums`, inside a transaction whose tenant is set.
public struct ForumStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = "id, name, kind, cadence, contract_id, description, version, created_at, updated_at"

    public func insert(_ forum: ForumRecord) async throws -> ForumRecord {
        try await write(forum, """
            insert into governance_forums (tenant_id, id, name, kind, cadence, contract_id, description, created_at, updated_at)
            values (\(tenantID), \(forum.id), \(forum.name), \(forum.kind.rawValue), \(forum.cadence.rawValue), \(forum.contractID),
                    \(forum.description), \(forum.createdAt), \(forum.updatedAt))
            returning \(unescaped: Self.columns)
            """)
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> ForumRecord? {
        try await all("""
            select \(unescaped: Self.columns) from governance_forums where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """).first
    }

    public func list(after: UUID?, limit: Int) async throws -> [ForumRecord] {
        try await all("""
            select \(unescaped: Self.columns) from governance_forums
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest) order by id limit \(limit)
            """)
    }

    public func update(_ forum: ForumRecord, at now: Date) async throws -> ForumRecord {
        try await write(forum, """
            update governance_forums set name = \(forum.name), kind = \(forum.kind.rawValue), cadence = \(forum.cadence.rawValue),
                contract_id = \(forum.contractID), description = \(forum.description), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(forum.id)
            returning \(unescaped: Self.columns)
            """)
    }

    /// Deletes a forum without meetings (they are its record).
    public func delete(_ id: UUID) async throws {
        let meetings = try await connection.query(
            "select count(*)::int from meetings where tenant_id = \(tenantID) and forum_id = \(id)", logger: logger).count()
        guard meetings == 0 else {
            throw HasChildren(kind: "forum", id: id, childKind: meetings == 1 ? "meeting" : "meetings", count: meetings)
        }
        try await connection.query("delete from governance_forums where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    private func write(_ forum: ForumRecord, _ query: PostgresQuery) async throws -> ForumRecord {
        do {
            guard let record = try await all(query).first else { throw CorruptRow(table: "governance_forums", id: forum.id) }
            return record
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "forum", name: forum.name)
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw UnknownParent(kind: "contract", field: "contractId", id: forum.contractID)
        }
    }

    private func all(_ query: PostgresQuery) async throws -> [ForumRecord] {
        var records: [ForumRecord] = []
        for try await (id, name, kind, cadence, contract, description, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, String, String, String, UUID?, String?, Int64, Date, Date).self) {
            guard let kind = ForumKind(rawValue: kind), let cadence = Cadence(rawValue: cadence) else {
                throw CorruptRow(table: "governance_forums", id: id)
            }
            records.append(ForumRecord(id: id, name: name, kind: kind, cadence: cadence, contractID: contract,
                                       description: description, version: version, createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
