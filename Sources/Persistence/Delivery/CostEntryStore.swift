import Domain
import Foundation
import Logging
import PostgresNIO

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

/// SQL for `cost_entries`, inside a transaction whose tenant is set.
public struct CostEntryStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        id, project_id, work_item_id, member_id, to_char(entry_date, 'YYYY-MM-DD'), hours::float8, amount, description,
        created_at
        """

    public func insert(_ entry: CostEntryRecord) async throws -> CostEntryRecord {
        do {
            return try await all("""
                insert into cost_entries (tenant_id, id, project_id, work_item_id, member_id, entry_date, hours, amount,
                                          description, created_at)
                values (\(tenantID), \(entry.id), \(entry.projectID), \(entry.workItemID), \(entry.memberID),
                        \(entry.date.description)::date, \(entry.hours)::numeric, \(entry.amount), \(entry.description),
                        \(entry.createdAt))
                returning \(unescaped: Self.columns)
                """)[0]
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            if error.serverInfo?[.constraintName]?.contains("member") == true {
                throw UnknownParent(kind: "member", field: "memberId", id: entry.memberID)
            }
            throw UnknownParent(kind: "work item of this project", field: "workItemId", id: entry.workItemID)
        }
    }

    public func find(_ id: UUID, project: UUID) async throws -> CostEntryRecord? {
        try await all("""
            select \(unescaped: Self.columns) from cost_entries
            where tenant_id = \(tenantID) and project_id = \(project) and id = \(id)
            """).first
    }

    public func list(project: UUID, after: UUID?, limit: Int) async throws -> [CostEntryRecord] {
        try await all("""
            select \(unescaped: Self.columns) from cost_entries
            where tenant_id = \(tenantID) and project_id = \(project) and id > \(after ?? UUIDv7.lowest)
            order by id limit \(limit)
            """)
    }

    /// A person's entries of every project from `from` through `through`, by date.
    public func entries(of member: UUID, from: CalendarDate, through: CalendarDate) async throws -> [CostEntryRecord] {
        try await all("""
            select \(unescaped: Self.columns) from cost_entries
            where tenant_id = \(tenantID) and member_id = \(member)
              and entry_date between \(from.description)::date and \(through.description)::date
            order by entry_date, id
            """)
    }

    /// The project's actual cost per day (for earned value).
    public func dailyTotals(project: UUID) async throws -> [CostActual] {
        let rows = try await connection.query("""
            select to_char(entry_date, 'YYYY-MM-DD'), sum(amount)::bigint from cost_entries
            where tenant_id = \(tenantID) and project_id = \(project) group by entry_date
            """, logger: logger)
        var actuals: [CostActual] = []
        for try await (date, amount) in rows.decode((String, Int64).self) {
            if let day = CalendarDate(date) { actuals.append(CostActual(date: day, amount: amount)) }
        }
        return actuals
    }

    public func delete(_ id: UUID) async throws {
        try await connection.query("delete from cost_entries where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    private func all(_ query: PostgresQuery) async throws -> [CostEntryRecord] {
        var records: [CostEntryRecord] = []
        for try await (id, project, item, member, date, hours, amount, description, createdAt) in try await connection
            .query(query, logger: logger).decode((UUID, UUID, UUID?, UUID?, String, Double?, Int64, String?, Date).self) {
            guard let day = CalendarDate(date) else { throw CorruptRow(table: "cost_entries", id: id) }
            records.append(CostEntryRecord(id: id, projectID: project, workItemID: item, memberID: member, date: day,
                                           hours: hours, amount: amount, description: description, createdAt: createdAt))
        }
        return records
    }
}
