public import Domain
public import Foundation
public import PostgresNIO

/// A stored sprint, with its items' count and points.
public struct SprintRecord: VersionedRow, Equatable {
    public var id: UUID
    public var projectID: UUID
    public var name: String
    public var goal: String?
    public var start: CalendarDate
    public var finish: CalendarDate
    public var committedPoints: Int?
    public var itemCount: Int
    public var points: Int
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, projectID: UUID, name: String, goal: String?, start: CalendarDate, finish: CalendarDate,
                committedPoints: Int?, itemCount: Int = 0, points: Int = 0, version: Int64 = 1, createdAt: Date,
                updatedAt: Date) {
        self.id = id
        self.projectID = projectID
        self.name = name
        self.goal = goal
        self.start = start
        self.finish = finish
        self.committedPoints = committedPoints
        self.itemCount = itemCount
        self.points = points
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// `sprints` of one project, each read with its items' count and points. Deleting a sprint sends its
/// items back to the backlog (the foreign key sets their sprint to null).
public struct SprintStore: UpdatableTable {
    public let scope: TenantScope
    public let projectID: UUID
    public init(_ scope: TenantScope, projectID: UUID) {
        self.scope = scope
        self.projectID = projectID
    }
    public var parent: (column: String, id: UUID)? { ("project_id", projectID) }

    /// A deleted sprint's items go back to the backlog.
    public func clearReferences(to id: UUID) async throws {
        try await scope.query("""
            update work_items set sprint_id = null
            where tenant_id = \(tenantID) and project_id = \(projectID) and sprint_id = \(id)
            """)
    }

    public static let table = "sprints"
    public static let columnsReadOtherTables = true
    /// The sprint's own columns, qualified by the table's name: the counts' subqueries name the
    /// sprint's row.
    static let ownColumns = """
        sprints.id, sprints.project_id, sprints.name, sprints.goal, sprints.start_date, sprints.finish_date,
        sprints.committed_points, sprints.version, sprints.created_at, sprints.updated_at
        """
    /// Its items' count and points follow. A write's RETURNING has the caller's counts in their place
    /// (Citus refuses a subquery there); writing the sprint's row changes neither.
    public static let columns = """
        \(ownColumns),
        (select count(*)::int from work_items w where w.tenant_id = sprints.tenant_id and w.sprint_id = sprints.id),
        (select coalesce(sum(w.story_points), 0)::int from work_items w
         where w.tenant_id = sprints.tenant_id and w.sprint_id = sprints.id)
        """

    public static func decode(_ row: PostgresRow) throws -> SprintRecord {
        let (id, project, name, goal, start, finish, committed, version, createdAt, updatedAt, count, points) = try row.decode(
            (UUID, UUID, String, String?, CalendarDate, CalendarDate, Int?, Int64, Date, Date, Int, Int).self)
        return SprintRecord(id: id, projectID: project, name: name, goal: goal, start: start, finish: finish,
                            committedPoints: committed, itemCount: count, points: points, version: version,
                            createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: SprintRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "sprint", name: row.name) : nil
    }

    public func insert(_ sprint: SprintRecord) async throws -> SprintRecord {
        try await write("""
            insert into sprints (tenant_id, id, project_id, name, goal, start_date, finish_date, committed_points,
                                 created_at, updated_at)
            values (\(tenantID), \(sprint.id), \(projectID), \(sprint.name), \(sprint.goal), \(sprint.start),
                    \(sprint.finish), \(sprint.committedPoints), \(sprint.createdAt), \(sprint.updatedAt))
            returning \(unescaped: Self.ownColumns), \(sprint.itemCount), \(sprint.points)
            """, sprint)
    }

    /// The sprints that finished before `day`, in finish order (velocity).
    public func finished(before day: CalendarDate) async throws -> [SprintRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from sprints
            where tenant_id = \(tenantID) and project_id = \(projectID) and finish_date < \(day)
            order by finish_date, id
            """)
    }

    /// Which of `ids` are sprints of this project.
    public func existing(_ ids: [UUID]) async throws -> Set<UUID> {
        var found: Set<UUID> = []
        let rows = try await scope.query("""
            select id from sprints where tenant_id = \(tenantID) and project_id = \(projectID) and id = any(\(ids))
            """)
        for try await id in rows.decode(UUID.self) { found.insert(id) }
        return found
    }

    /// The points of the sprint's items and the day each was done (burndown, velocity).
    public func itemPoints(of sprint: UUID) async throws -> [BurndownItem] {
        let rows = try await scope.query("""
            select coalesce(story_points, 0), completed_on from work_items
            where tenant_id = \(tenantID) and sprint_id = \(sprint) and status <> 'cancelled'
            """)
        var items: [BurndownItem] = []
        for try await (points, done) in rows.decode((Int, CalendarDate?).self) {
            items.append(BurndownItem(points: points, completedOn: done))
        }
        return items
    }

    public func update(_ sprint: SprintRecord, at now: Date) async throws -> SprintRecord {
        try await write("""
            update sprints set name = \(sprint.name), goal = \(sprint.goal), start_date = \(sprint.start),
                finish_date = \(sprint.finish), committed_points = \(sprint.committedPoints),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and project_id = \(projectID) and id = \(sprint.id)
            returning \(unescaped: Self.ownColumns), \(sprint.itemCount), \(sprint.points)
            """, sprint)
    }
}
