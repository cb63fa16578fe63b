import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored sprint, with its items' count and points.
public struct SprintRecord: Sendable, Equatable {
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

/// SQL for `sprints` of one project, inside a transaction whose tenant is set.
public struct SprintStore: Sendable {
    public let scope: TenantScope
    public let projectID: UUID
    public init(_ scope: TenantScope, projectID: UUID) {
        self.scope = scope
        self.projectID = projectID
    }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        s.id, s.project_id, s.name, s.goal, to_char(s.start_date, 'YYYY-MM-DD'), to_char(s.finish_date, 'YYYY-MM-DD'),
        s.committed_points,
        (select count(*)::int from work_items w where w.tenant_id = s.tenant_id and w.sprint_id = s.id),
        (select coalesce(sum(w.story_points), 0)::int from work_items w where w.tenant_id = s.tenant_id and w.sprint_id = s.id),
        s.version, s.created_at, s.updated_at
        """

    public func insert(_ sprint: SprintRecord) async throws -> SprintRecord {
        try await write(sprint.name, """
            insert into sprints as s (tenant_id, id, project_id, name, goal, start_date, finish_date, committed_points,
                                      created_at, updated_at)
            values (\(tenantID), \(sprint.id), \(projectID), \(sprint.name), \(sprint.goal), \(sprint.start.description)::date,
                    \(sprint.finish.description)::date, \(sprint.committedPoints), \(sprint.createdAt), \(sprint.updatedAt))
            returning \(unescaped: Self.columns)
            """)
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> SprintRecord? {
        try await all("""
            select \(unescaped: Self.columns) from sprints s
            where s.tenant_id = \(tenantID) and s.project_id = \(projectID) and s.id = \(id)
            \(unescaped: lock ? "for update of s" : "")
            """).first
    }

    public func list(after: UUID?, limit: Int) async throws -> [SprintRecord] {
        try await all("""
            select \(unescaped: Self.columns) from sprints s
            where s.tenant_id = \(tenantID) and s.project_id = \(projectID) and s.id > \(after ?? UUIDv7.lowest)
            order by s.id limit \(limit)
            """)
    }

    /// The sprints that finished before `day`, in finish order (velocity).
    public func finished(before day: CalendarDate) async throws -> [SprintRecord] {
        try await all("""
            select \(unescaped: Self.columns) from sprints s
            where s.tenant_id = \(tenantID) and s.project_id = \(projectID) and s.finish_date < \(day.description)::date
            order by s.finish_date, s.id
            """)
    }

    /// Which of `ids` are sprints of this project.
    public func existing(_ ids: [UUID]) async throws -> Set<UUID> {
        var found: Set<UUID> = []
        let rows = try await connection.query("""
            select id from sprints where tenant_id = \(tenantID) and project_id = \(projectID) and id = any(\(ids))
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { found.insert(id) }
        return found
    }

    /// The points of the sprint's items and the day each was done (burndown, velocity).
    public func itemPoints(of sprint: UUID) async throws -> [BurndownItem] {
        let rows = try await connection.query("""
            select coalesce(story_points, 0), to_char(completed_on, 'YYYY-MM-DD') from work_items
            where tenant_id = \(tenantID) and sprint_id = \(sprint) and status <> 'cancelled'
            """, logger: logger)
        var items: [BurndownItem] = []
        for try await (points, done) in rows.decode((Int, String?).self) {
            items.append(BurndownItem(points: points, completedOn: done.flatMap { CalendarDate($0) }))
        }
        return items
    }

    public func update(_ sprint: SprintRecord, at now: Date) async throws -> SprintRecord {
        try await write(sprint.name, """
            update sprints s set name = \(sprint.name), goal = \(sprint.goal), start_date = \(sprint.start.description)::date,
                finish_date = \(sprint.finish.description)::date, committed_points = \(sprint.committedPoints),
                version = version + 1, updated_at = \(now)
            where s.tenant_id = \(tenantID) and s.project_id = \(projectID) and s.id = \(sprint.id)
            returning \(unescaped: Self.columns)
            """)
    }

    /// Deletes the sprint; its items go back to the backlog (the foreign key sets their sprint to null).
    public func delete(_ id: UUID) async throws {
        try await connection.query(
            "delete from sprints where tenant_id = \(tenantID) and project_id = \(projectID) and id = \(id)", logger: logger)
    }

    private func write(_ name: String, _ query: PostgresQuery) async throws -> SprintRecord {
        do {
            guard let sprint = try await all(query).first else { throw CorruptRow(table: "sprints", id: projectID) }
            return sprint
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "sprint", name: name)
        }
    }

    private func all(_ query: PostgresQuery) async throws -> [SprintRecord] {
        var records: [SprintRecord] = []
        for try await (id, project, name, goal, start, finish, committed, count, points, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, String, String?, String, String, Int?, Int, Int, Int64, Date, Date).self) {
            guard let start = CalendarDate(start), let finish = CalendarDate(finish) else {
                throw CorruptRow(table: "sprints", id: id)
            }
            records.append(SprintRecord(id: id, projectID: project, name: name, goal: goal, start: start, finish: finish,
                                        committedPoints: committed, itemCount: count, points: points, version: version,
                                        createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
