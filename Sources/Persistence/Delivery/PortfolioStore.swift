import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored portfolio.
public struct PortfolioRecord: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// Another resource of this kind has this name (or key, or code: `field`) in its scope already.
public struct DuplicateName: Error, Equatable {
    public let kind: String
    public let name: String
    public var field: String = "name"
}

/// A parent that still has children: deleting it would orphan them.
public struct HasChildren: Error, Equatable {
    public let kind: String
    public let id: UUID
    public let childKind: String
    public let count: Int
}

/// SQL for `portfolios`, inside a transaction whose tenant is set.
public struct PortfolioStore: Sendable {
    let connection: PostgresConnection
    let tenantID: UUID
    let logger: Logger

    public init(connection: PostgresConnection, tenantID: UUID, logger: Logger) {
        self.connection = connection
        self.tenantID = tenantID
        self.logger = logger
    }

    static let columns = "id, name, description, version, created_at, updated_at"

    public func insert(id: UUID, name: String, description: String?, at now: Date) async throws -> PortfolioRecord {
        try await write(name: name, """
            insert into portfolios (tenant_id, id, name, description, created_at, updated_at)
            values (\(tenantID), \(id), \(name), \(description), \(now), \(now))
            returning \(unescaped: Self.columns)
            """)
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> PortfolioRecord? {
        try await all(connection.query("""
            select \(unescaped: Self.columns) from portfolios where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """, logger: logger)).first
    }

    public func list(after: UUID?, limit: Int) async throws -> [PortfolioRecord] {
        try await all(connection.query("""
            select \(unescaped: Self.columns) from portfolios
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest) order by id limit \(limit)
            """, logger: logger))
    }

    public func update(_ record: PortfolioRecord, at now: Date) async throws -> PortfolioRecord {
        try await write(name: record.name, """
            update portfolios set name = \(record.name), description = \(record.description), version = version + 1,
                updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """)
    }

    /// Deletes the portfolio unless programmes still belong to it.
    public func delete(_ id: UUID) async throws {
        let children = try await connection.query(
            "select count(*) from programmes where tenant_id = \(tenantID) and portfolio_id = \(id)", logger: logger).count()
        guard children == 0 else {
            throw HasChildren(kind: "portfolio", id: id, childKind: "programmes", count: children)
        }
        do {
            try await connection.query("delete from portfolios where tenant_id = \(tenantID) and id = \(id)", logger: logger)
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw HasChildren(kind: "portfolio", id: id, childKind: "programmes", count: 1)  // added concurrently
        }
    }

    private func write(name: String, _ query: PostgresQuery) async throws -> PortfolioRecord {
        do {
            guard let record = try await all(connection.query(query, logger: logger)).first else {
                throw CorruptRow(table: "portfolios", id: tenantID)
            }
            return record
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "portfolio", name: name)
        }
    }

    private func all(_ rows: PostgresRowSequence) async throws -> [PortfolioRecord] {
        var records: [PortfolioRecord] = []
        for try await (id, name, description, version, createdAt, updatedAt) in rows.decode(
            (UUID, String, String?, Int64, Date, Date).self) {
            records.append(PortfolioRecord(id: id, name: name, description: description, version: version,
                                           createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}

extension PostgresRowSequence {
    /// The single integer a `select count(*)` returns.
    func count() async throws -> Int {
        for try await count in decode(Int.self) { return count }
        return 0
    }
}
