import Domain
public import Foundation
public import PostgresNIO

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
public struct ProgrammeRecord: VersionedRow, Equatable {
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

/// `programmes`: a portfolio's programmes and their workstreams.
public struct ProgrammeStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "programmes"
    public static let columns = "id, portfolio_id, name, description, workstreams::text, version, created_at, updated_at"

    public static func decode(_ row: PostgresRow) throws -> ProgrammeRecord {
        let (id, portfolioID, name, description, workstreams, version, createdAt, updatedAt) = try row.decode(
            (UUID, UUID?, String, String?, String, Int64, Date, Date).self)
        guard let decoded = try? JSONDecoder().decode([Workstream].self, from: Data(workstreams.utf8)) else {
            throw corrupt(id)
        }
        return ProgrammeRecord(id: id, portfolioID: portfolioID, name: name, description: description,
                               workstreams: decoded, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: ProgrammeRecord) -> (any Error)? {
        switch violation.kind {
        case .unique: DuplicateName(kind: "programme", name: row.name)
        case .foreignKey: UnknownParent(kind: "portfolio", field: "portfolioId", id: row.portfolioID)
        default: nil
        }
    }

    public static func error(for violation: ConstraintViolation, deleting id: UUID) -> (any Error)? {
        // A project added after the count below, before the delete.
        violation.kind == .foreignKey ? HasChildren(kind: "programme", id: id, childKind: "projects", count: 1) : nil
    }

    public func insert(_ record: ProgrammeRecord) async throws -> ProgrammeRecord {
        try await write("""
            insert into programmes (tenant_id, id, portfolio_id, name, description, workstreams, created_at, updated_at)
            values (\(tenantID), \(record.id), \(record.portfolioID), \(record.name), \(record.description),
                    \(try Self.json(record.workstreams))::jsonb, \(record.createdAt), \(record.updatedAt))
            returning \(unescaped: Self.columns)
            """, record)
    }

    /// A page in creation order, of one portfolio's programmes or of all.
    public func list(portfolio: UUID?, after: UUID?, limit: Int) async throws -> [ProgrammeRecord] {
        guard let portfolio else { return try await page(after: after, limit: limit) }
        return try await rows("""
            select \(unescaped: Self.columns) from programmes
            where tenant_id = \(tenantID) and portfolio_id = \(portfolio) and id > \(after ?? UUIDv7.lowest)
            order by id limit \(limit)
            """)
    }

    public func update(_ record: ProgrammeRecord, at now: Date) async throws -> ProgrammeRecord {
        try await write("""
            update programmes set portfolio_id = \(record.portfolioID), name = \(record.name),
                description = \(record.description), workstreams = \(try Self.json(record.workstreams))::jsonb,
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """, record)
    }

    /// A programme that projects still belong to stays.
    public func checkDeletable(_ id: UUID) async throws {
        let children = try await count(
            "select count(*) from projects where tenant_id = \(tenantID) and programme_id = \(id)")
        guard children == 0 else {
            throw HasChildren(kind: "programme", id: id, childKind: "projects", count: children)
        }
    }

    static func json(_ workstreams: [Workstream]) throws -> String {
        String(decoding: try JSONEncoder().encode(workstreams), as: UTF8.self)
    }
}
