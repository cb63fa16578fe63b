import Domain
public import Foundation
public import PostgresNIO

/// A stored portfolio.
public struct PortfolioRecord: VersionedRow, Equatable {
    public var id: UUID
    public var name: String
    public var description: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    /// A new portfolio, as inserted.
    public init(id: UUID, name: String, description: String?, version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// `portfolios`: the top of portfolio → programme → project.
public struct PortfolioStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "portfolios"
    public static let columns = "id, name, description, version, created_at, updated_at"

    public static func decode(_ row: PostgresRow) throws -> PortfolioRecord {
        let (id, name, description, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, String?, Int64, Date, Date).self)
        return PortfolioRecord(id: id, name: name, description: description, version: version,
                               createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: PortfolioRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "portfolio", name: row.name) : nil
    }

    public static func error(for violation: ConstraintViolation, deleting id: UUID) -> (any Error)? {
        // A programme added after the count below, before the delete.
        violation.kind == .foreignKey ? HasChildren(kind: "portfolio", id: id, childKind: "programmes", count: 1) : nil
    }

    public func insert(_ record: PortfolioRecord) async throws -> PortfolioRecord {
        try await write("""
            insert into portfolios (tenant_id, id, name, description, created_at, updated_at)
            values (\(tenantID), \(record.id), \(record.name), \(record.description), \(record.createdAt),
                    \(record.updatedAt))
            returning \(unescaped: Self.columns)
            """, record)
    }

    public func update(_ record: PortfolioRecord, at now: Date) async throws -> PortfolioRecord {
        try await write("""
            update portfolios set name = \(record.name), description = \(record.description), version = version + 1,
                updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """, record)
    }

    /// A portfolio that programmes still belong to stays.
    public func checkDeletable(_ id: UUID) async throws {
        let children = try await count(
            "select count(*) from programmes where tenant_id = \(tenantID) and portfolio_id = \(id)")
        guard children == 0 else {
            throw HasChildren(kind: "portfolio", id: id, childKind: "programmes", count: children)
        }
    }
}
