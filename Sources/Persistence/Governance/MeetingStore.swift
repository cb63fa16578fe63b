public import Domain
public import Foundation
public import PostgresNIO

/// A stored meeting of a governance forum.
public struct MeetingRecord: VersionedRow, Equatable {
    public var id: UUID
    public var forumID: UUID
    public var heldOn: CalendarDate
    public var attendees: [String]
    public var minutes: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, forumID: UUID, heldOn: CalendarDate, attendees: [String], minutes: String?, version: Int64 = 1,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.forumID = forumID
        self.heldOn = heldOn
        self.attendees = attendees
        self.minutes = minutes
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// `meetings`: the meetings of governance forums. Deleting one leaves the decisions and actions that
/// cite it without the link.
public struct MeetingStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "meetings"

    /// Decisions and actions recorded at a deleted meeting stay, no longer tied to it.
    public func clearReferences(to id: UUID) async throws {
        try await scope.query("update decisions set meeting_id = null where tenant_id = \(tenantID) and meeting_id = \(id)")
        try await scope.query("update actions set meeting_id = null where tenant_id = \(tenantID) and meeting_id = \(id)")
    }
    public static let columns = "id, forum_id, held_on, attendees, minutes, version, created_at, updated_at"

    public static func decode(_ row: PostgresRow) throws -> MeetingRecord {
        let (id, forum, heldOn, attendees, minutes, version, createdAt, updatedAt) = try row.decode(
            (UUID, UUID, CalendarDate, [String], String?, Int64, Date, Date).self)
        return MeetingRecord(id: id, forumID: forum, heldOn: heldOn, attendees: attendees,
                             minutes: minutes, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: MeetingRecord) -> (any Error)? {
        violation.kind == .foreignKey ? UnknownParent(kind: "governance forum", field: "forumId", id: row.forumID) : nil
    }

    public func insert(_ meeting: MeetingRecord) async throws -> MeetingRecord {
        try await write("""
            insert into meetings (tenant_id, id, forum_id, held_on, attendees, minutes, created_at, updated_at)
            values (\(tenantID), \(meeting.id), \(meeting.forumID), \(meeting.heldOn), \(meeting.attendees),
                    \(meeting.minutes), \(meeting.createdAt), \(meeting.updatedAt))
            returning \(unescaped: Self.columns)
            """, meeting)
    }

    /// A page of meetings, of one forum or of all.
    public func list(forum: UUID?, after: UUID?, limit: Int) async throws -> [MeetingRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from meetings
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(forum)::uuid is null or forum_id = \(forum))
            order by id limit \(limit)
            """)
    }

    public func update(_ meeting: MeetingRecord, at now: Date) async throws -> MeetingRecord {
        try await write("""
            update meetings set forum_id = \(meeting.forumID), held_on = \(meeting.heldOn),
                attendees = \(meeting.attendees), minutes = \(meeting.minutes), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(meeting.id)
            returning \(unescaped: Self.columns)
            """, meeting)
    }
}
