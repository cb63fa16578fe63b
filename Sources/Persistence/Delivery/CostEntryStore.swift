public import Domain
public import Foundation
public import PostgresNIO

/// Actual cost (and hours) booked on a project for a day.
public struct CostEntryRecord: Sendable, Equatable {
    public var id: UUID
    public var projectID: UUID
    public var workItemID: UUID?
    public var memberID: UUID?
    public var date: CalendarDate
    public var hours: Double?
    public var amount: Int64
    public var description: String?
    public var createdAt: Date

    public init(id: UUID, projectID: UUID, workItemID: UUID?, memberID: UUID?, date: CalendarDate, hours: Double?,
                amount: Int64, description: String?, createdAt: Date) {
        self.id = id
        self.projectID = projectID
        self.workItemID = workItemID
        self.memberID = memberID
        self.date = date
        self.hours = hours
        self.amount = amount
        self.description = description
        self.createdAt = createdAt
    }
}

/// `cost_entries` of one project: actual cost and hours, only ever inserted, read and deleted.
public struct CostEntryStore: TenantTable {
    public let scope: TenantScope
    public let projectID: UUID
    public init(_ scope: TenantScope, projectID: UUID) {
        self.scope = scope
        self.projectID = projectID
    }
    public var parent: (column: String, id: UUID)? { ("project_id", projectID) }

    public static let table = "cost_entries"
    public static let columns = """
        id, project_id, work_item_id, member_id, entry_date, hours::float8, amount, description,
        created_at
        """

    public static func decode(_ row: PostgresRow) throws -> CostEntryRecord {
        let (id, project, item, member, date, hours, amount, description, createdAt) = try row.decode(
            (UUID, UUID, UUID?, UUID?, CalendarDate, Double?, Int64, String?, Date).self)
        return CostEntryRecord(id: id, projectID: project, workItemID: item, memberID: member, date: date, hours: hours,
                               amount: amount, description: description, createdAt: createdAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: CostEntryRecord) -> (any Error)? {
        guard violation.kind == .foreignKey else { return nil }
        if violation.constraint.contains("member") {
            return UnknownParent(kind: "member", field: "memberId", id: row.memberID)
        }
        return UnknownParent(kind: "work item of this project", field: "workItemId", id: row.workItemID)
    }

    public func insert(_ entry: CostEntryRecord) async throws -> CostEntryRecord {
        try await write("""
            insert into cost_entries (tenant_id, id, project_id, work_item_id, member_id, entry_date, hours, amount,
                                      description, created_at)
            values (\(tenantID), \(entry.id), \(projectID), \(entry.workItemID), \(entry.memberID),
                    \(entry.date), \(entry.hours)::numeric, \(entry.amount), \(entry.description),
                    \(entry.createdAt))
            returning \(unescaped: Self.columns)
            """, entry)
    }

    /// A person's entries of every project from `from` through `through`, by date (a timesheet spans
    /// projects, so it is no statement of one project's store).
    public static func entries(of member: UUID, from: CalendarDate, through: CalendarDate,
                               in scope: TenantScope) async throws -> [CostEntryRecord] {
        var entries: [CostEntryRecord] = []
        for try await row in try await scope.query("""
            select \(unescaped: columns) from cost_entries
            where tenant_id = \(scope.tenantID) and member_id = \(member)
              and entry_date between \(from) and \(through)
            order by entry_date, id
            """) {
            entries.append(try decode(row))
        }
        return entries
    }

    /// The project's actual cost per day (for earned value).
    public func dailyTotals() async throws -> [CostActual] {
        let rows = try await scope.query("""
            select entry_date, sum(amount)::bigint from cost_entries
            where tenant_id = \(tenantID) and project_id = \(projectID) group by entry_date
            """)
        var actuals: [CostActual] = []
        for try await (date, amount) in rows.decode((CalendarDate, Int64).self) {
            actuals.append(CostActual(date: date, amount: amount))
        }
        return actuals
    }
}
