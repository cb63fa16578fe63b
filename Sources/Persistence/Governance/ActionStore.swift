public import Domain
public import Foundation
public import PostgresNIO

/// A stored action: who does what by when, from which meeting or decision.
public struct ActionRecord: VersionedRow, Equatable {
    public var id: UUID
    public var title: String
    public var ownerID: UUID
    public var due: CalendarDate
    public var status: ActionStatus
    public var meetingID: UUID?
    public var decisionID: UUID?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, title: String, ownerID: UUID, due: CalendarDate, status: ActionStatus, meetingID: UUID?,
                decisionID: UUID?, version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.title = title
        self.ownerID = ownerID
        self.due = due
        self.status = status
        self.meetingID = meetingID
        self.decisionID = decisionID
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Which actions a list shows; `overdueOn`: only those still open after their due date, as of that day.
public struct ActionFilter: Sendable {
    public var status: ActionStatus?
    public var ownerID: UUID?
    public var meetingID: UUID?
    public var decisionID: UUID?
    public var overdueOn: CalendarDate?

    public init(status: ActionStatus? = nil, ownerID: UUID? = nil, meetingID: UUID? = nil, decisionID: UUID? = nil,
                overdueOn: CalendarDate? = nil) {
        self.status = status
        self.ownerID = ownerID
        self.meetingID = meetingID
        self.decisionID = decisionID
        self.overdueOn = overdueOn
    }
}

/// `actions`: who does what by when, from which meeting or decision.
public struct ActionStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "actions"
    public static let columns = """
        id, title, owner_id, due_date, status, meeting_id, decision_id, version, created_at, updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> ActionRecord {
        let (id, title, owner, due, status, meeting, decision, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, UUID, CalendarDate, String, UUID?, UUID?, Int64, Date, Date).self)
        guard let status = ActionStatus(rawValue: status) else { throw corrupt(id) }
        return ActionRecord(id: id, title: title, ownerID: owner, due: due, status: status,
                            meetingID: meeting, decisionID: decision, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// The constraint's name tells which reference names nothing.
    public static func error(for violation: ConstraintViolation, writing row: ActionRecord) -> (any Error)? {
        guard violation.kind == .foreignKey else { return nil }
        if violation.constraint.contains("owner") { return UnknownParent(kind: "member", field: "ownerId", id: row.ownerID) }
        if violation.constraint.contains("meeting") { return UnknownParent(kind: "meeting", field: "meetingId", id: row.meetingID) }
        return UnknownParent(kind: "decision", field: "decisionId", id: row.decisionID)
    }

    public func insert(_ action: ActionRecord) async throws -> ActionRecord {
        try await write("""
            insert into actions (tenant_id, id, title, owner_id, due_date, status, meeting_id, decision_id, created_at, updated_at)
            values (\(tenantID), \(action.id), \(action.title), \(action.ownerID), \(action.due),
                    \(action.status.rawValue), \(action.meetingID), \(action.decisionID), \(action.createdAt), \(action.updatedAt))
            returning \(unescaped: Self.columns)
            """, action)
    }

    public func list(_ filter: ActionFilter, after: UUID?, limit: Int) async throws -> [ActionRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from actions
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(filter.status?.rawValue)::text is null or status = \(filter.status?.rawValue))
              and (\(filter.ownerID)::uuid is null or owner_id = \(filter.ownerID))
              and (\(filter.meetingID)::uuid is null or meeting_id = \(filter.meetingID))
              and (\(filter.decisionID)::uuid is null or decision_id = \(filter.decisionID))
              and (\(filter.overdueOn)::date is null
                   or (status in ('open', 'in_progress') and due_date < \(filter.overdueOn)))
            order by id limit \(limit)
            """)
    }

    public func update(_ action: ActionRecord, at now: Date) async throws -> ActionRecord {
        try await write("""
            update actions set title = \(action.title), owner_id = \(action.ownerID), due_date = \(action.due),
                status = \(action.status.rawValue), meeting_id = \(action.meetingID), decision_id = \(action.decisionID),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(action.id)
            returning \(unescaped: Self.columns)
            """, action)
    }
}
