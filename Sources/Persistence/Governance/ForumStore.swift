public import Domain
public import Foundation
public import PostgresNIO

/// A stored governance forum.
public struct ForumRecord: VersionedRow, Equatable {
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

/// `governance_forums`: the boards and reviews where a service is governed.
public struct ForumStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "governance_forums"
    public static let columns = "id, name, kind, cadence, contract_id, description, version, created_at, updated_at"

    public static func decode(_ row: PostgresRow) throws -> ForumRecord {
        let (id, name, kind, cadence, contract, description, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, String, String, UUID?, String?, Int64, Date, Date).self)
        guard let kind = ForumKind(rawValue: kind), let cadence = Cadence(rawValue: cadence) else { throw corrupt(id) }
        return ForumRecord(id: id, name: name, kind: kind, cadence: cadence, contractID: contract, description: description,
                           version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: ForumRecord) -> (any Error)? {
        switch violation.kind {
        case .unique: DuplicateName(kind: "forum", name: row.name)
        case .foreignKey: UnknownParent(kind: "contract", field: "contractId", id: row.contractID)
        default: nil
        }
    }

    public func insert(_ forum: ForumRecord) async throws -> ForumRecord {
        try await write("""
            insert into governance_forums (tenant_id, id, name, kind, cadence, contract_id, description, created_at, updated_at)
            values (\(tenantID), \(forum.id), \(forum.name), \(forum.kind.rawValue), \(forum.cadence.rawValue), \(forum.contractID),
                    \(forum.description), \(forum.createdAt), \(forum.updatedAt))
            returning \(unescaped: Self.columns)
            """, forum)
    }

    public func update(_ forum: ForumRecord, at now: Date) async throws -> ForumRecord {
        try await write("""
            update governance_forums set name = \(forum.name), kind = \(forum.kind.rawValue), cadence = \(forum.cadence.rawValue),
                contract_id = \(forum.contractID), description = \(forum.description), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(forum.id)
            returning \(unescaped: Self.columns)
            """, forum)
    }

    /// A forum with meetings stays (they are its record).
    public func checkDeletable(_ id: UUID) async throws {
        let meetings = try await count("select count(*)::int from meetings where tenant_id = \(tenantID) and forum_id = \(id)")
        guard meetings == 0 else {
            throw HasChildren(kind: "forum", id: id, childKind: meetings == 1 ? "meeting" : "meetings", count: meetings)
        }
    }
}
