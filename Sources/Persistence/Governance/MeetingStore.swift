import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored meeting of a governance forum.
public struct MeetingRecord: Sendable, Equatable {
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

/// SQL for `meetings`, inside a transaction whose tenant is set.
public struct MeetingStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = "id, forum_id, to_char(held_on, 'YYYY-MM-DD'), attendees, minutes, version, created_at, updated_at"

    public func insert(_ meeting: MeetingRecord) async throws -> MeetingRecord {
        try await write(meeting, """
            insert into meetings (tenant_id, id, forum_id, held_on, attendees, minutes, created_at, updated_at)
            values (\(tenantID), \(meeting.id), \(meeting.forumID), \(meeting.heldOn.description)::date, \(meeting.attendees),
                    \(meeting.minutes), \(meeting.createdAt), \(meeting.updatedAt))
            returning \(unescaped: Self.columns)
            """)
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> MeetingRecord? {
        try await all("""
            select \(unescaped: Self.columns) from meetings where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """).first
    }

    public func list(forum: UUID?, after: UUID?, limit: Int) async throws -> [MeetingRecord] {
        try await all("""
            select \(unescaped: Self.columns) from meetings
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(forum)::uuid is null or forum_id = \(forum))
            order by id limit \(limit)
            """)
    }

    public func update(_ meeting: MeetingRecord, at now: Date) async throws -> MeetingRecord {
        try await write(meeting, """
            update meetings set forum_id = \(meeting.forumID), held_on = \(meeting.heldOn.description)::date,
                attendees = \(meeting.attendees), minutes = \(meeting.minutes), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(meeting.id)
            returning \(unescaped: Self.columns)
            """)
    }

    /// Deletes a meeting; decisions and actions that cite it keep their record without the link.
    public func delete(_ id: UUID) async throws {
        try await connection.query("delete from meetings where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    private func write(_ meeting: MeetingRecord, _ query: PostgresQuery) async throws -> MeetingRecord {
        do {
            guard let record = try await all(query).first else { throw CorruptRow(table: "meetings", id: meeting.id) }
            return record
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw UnknownParent(kind: "governance forum", field: "forumId", id: meeting.forumID)
        }
    }

    private func all(_ query: PostgresQuery) async throws -> [MeetingRecord] {
        var records: [MeetingRecord] = []
        for try await (id, forum, heldOn, attendees, minutes, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, String, [String], String?, Int64, Date, Date).self) {
            guard let heldOn = CalendarDate(heldOn) else { throw CorruptRow(table: "meetings", id: id) }
            records.append(MeetingRecord(id: id, forumID: forum, heldOn: heldOn, attendees: attendees, minutes: minutes,
                                         version: version, createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
