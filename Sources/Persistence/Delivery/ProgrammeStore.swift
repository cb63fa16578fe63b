import Domain
import Foundation
import Logging
import PostgresNIO

/// One of a programme's workstreams (its targets).
public struct Workstream: Sendable, Equatable, Codable {
    public var name: String
    public var description: String?

    public init(name: String, description: String?) {
        self.name = name
        self.description = description
    }
}

/// A stored programme.
public struct ProgrammeRecord: Sendable, Equatable {
    public var id: UUID
    public var portfolioID: UUID?
    public var name: String
    public var description: String?
    public var workstreams: [Workstream]
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, portfolioID: UUID?, name: String, description: String?, workstreams: [Workstream],
                version: Int64, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.portfolioID = portfolioID
        self.name = name
        self.description = description
        self.workstreams = workstreams
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// SQL for `programmes`, inside a transaction whose tenant is set.
public struct ProgrammeStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = "id, portfolio_id, name, description, workstreams::text, version, created_at, updated_at"

    public func insert(_ record: ProgrammeRecord, at now: Date) async throws -> ProgrammeRecord {
        try await write(record, """
            insert into programmes (tenant_id, id, portfolio_id, name, description, workstreams, created_at, updated_at)
            values (\(tenantID), \(record.id), \(record.portfolioID), \(record.name), \(record.description),
                    \(try Self.json(record.workstreams))::jsonb, \(now), \(now))
            returning \(unescaped: Self.columns)
            """)
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> ProgrammeRecord? {
        try await all(connection.query("""
            select \(unescaped: Self.columns) from programmes where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """, logger: logger)).first
    }

    public func list(portfolio: UUID?, after: UUID?, limit: Int) async throws -> [ProgrammeRecord] {
        if let portfolio {
            return try await all(connection.query("""
                select \(unescaped: Self.columns) from programmes
                where tenant_id = \(tenantID) and portfolio_id = \(portfolio) and id > \(after ?? UUIDv7.lowest)
                order by id limit \(limit)
                """, logger: logger))
        }
        return try await all(connection.query("""
            select \(unescaped: Self.columns) from programmes
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest) order by id limit \(limit)
            """, logger: logger))
    }

    public func update(_ record: ProgrammeRecord, at now: Date) async throws -> ProgrammeRecord {
        try await write(record, """
            update programmes set portfolio_id = \(record.portfolioID), name = \(record.name),
                description = \(record.description), workstreams = \(try Self.json(record.workstreams))::jsonb,
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """)
    }

    /// Deletes the programme unless projects still belong to it.
    public func delete(_ id: UUID) async throws {
        let children = try await connection.query(
            "select count(*) from projects where tenant_id = \(tenantID) and programme_id = \(id)", logger: logger).count()
        guard children == 0 else {
            throw HasChildren(kind: "programme", id: id, childKind: "projects", count: children)
        }
        do {
            try await connection.query("delete from programmes where tenant_id = \(tenantID) and id = \(id)", logger: logger)
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw HasChildren(kind: "programme", id: id, childKind: "projects", count: 1)  // added concurrently
        }
    }

    private func write(_ record: ProgrammeRecord, _ query: PostgresQuery) async throws -> ProgrammeRecord {
        do {
            guard let saved = try await all(connection.query(query, logger: logger)).first else {
                throw CorruptRow(table: "programmes", id: record.id)
            }
            return saved
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "programme", name: record.name)
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw UnknownParent(kind: "portfolio", field: "portfolioId", id: record.portfolioID)
        }
    }

    static func json(_ workstreams: [Workstream]) throws -> String {
        String(decoding: try JSONEncoder().encode(workstreams), as: UTF8.self)
    }

    private func all(_ rows: PostgresRowSequence) async throws -> [ProgrammeRecord] {
        var records: [ProgrammeRecord] = []
        for try await (id, portfolioID, name, description, workstreams, version, createdAt, updatedAt) in rows.decode(
            (UUID, UUID?, String, String?, String, Int64, Date, Date).self) {
            guard let decoded = try? JSONDecoder().decode([Workstream].self, from: Data(workstreams.utf8)) else {
                throw CorruptRow(table: "programmes", id: id)
            }
            records.append(ProgrammeRecord(id: id, portfolioID: portfolioID, name: name, description: description,
                                           workstreams: decoded, version: version, createdAt: createdAt,
                                           updatedAt: updatedAt))
        }
        return records
    }
}
