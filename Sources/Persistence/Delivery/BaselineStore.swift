import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored baseline (its items are read through `variance`).
public struct BaselineRecord: Sendable, Equatable {
    public var id: UUID
    public var projectID: UUID
    public var name: String
    public var plannedStart: CalendarDate?
    public var plannedFinish: CalendarDate?
    public var budgetAtCompletion: Int64
    public var itemCount: Int
    public var createdAt: Date
}

/// One work item then and now; a side is nil when the item did not exist then, or does not now.
public struct ItemComparison: Sendable, Equatable {
    public struct Plan: Sendable, Equatable {
        public var start: CalendarDate?
        public var finish: CalendarDate?
        public var cost: Int64
    }

    public var workItemID: UUID
    public var title: String
    public var baseline: Plan?
    public var current: Plan?
}

/// The project's current plan in the same terms as a baseline's.
public struct PlanTotals: Sendable, Equatable {
    public var start: CalendarDate?
    public var finish: CalendarDate?
    public var cost: Int64
}

/// SQL for `baselines` and `baseline_items`, inside a transaction whose tenant is set. Baselines are
/// only ever inserted and read (the app role holds no other grant on them).
public struct BaselineStore: Sendable {
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
        b.id, b.project_id, b.name, to_char(b.planned_start, 'YYYY-MM-DD'), to_char(b.planned_finish, 'YYYY-MM-DD'),
        b.budget_at_completion,
        (select count(*)::int from baseline_items i where i.tenant_id = b.tenant_id and i.baseline_id = b.id),
        b.created_at
        """

    /// Snapshots every work item of the project, in two statements of the caller's transaction.
    public func create(id: UUID, name: String, at now: Date) async throws -> BaselineRecord {
        do {
            try await connection.query("""
                insert into baselines (tenant_id, id, project_id, name, planned_start, planned_finish,
                                       budget_at_completion, created_at)
                select \(tenantID), \(id), \(projectID), \(name), min(planned_start), max(planned_finish),
                       coalesce(sum(budgeted_cost), 0), \(now)
                from work_items where tenant_id = \(tenantID) and project_id = \(projectID)
                """, logger: logger)
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "baseline", name: name)
        }
        try await connection.query("""
            insert into baseline_items (tenant_id, id, baseline_id, work_item_id, title, planned_start, planned_finish,
                                        duration_days, budgeted_cost)
            select tenant_id, gen_random_uuid(), \(id), id, title, planned_start, planned_finish, duration_days, budgeted_cost
            from work_items where tenant_id = \(tenantID) and project_id = \(projectID)
            """, logger: logger)
        guard let created = try await find(id) else { throw CorruptRow(table: "baselines", id: id) }
        return created
    }

    public func find(_ id: UUID) async throws -> BaselineRecord? {
        try await all("""
            select \(unescaped: Self.columns) from baselines b
            where b.tenant_id = \(tenantID) and b.project_id = \(projectID) and b.id = \(id)
            """).first
    }

    public func list(after: UUID?, limit: Int) async throws -> [BaselineRecord] {
        try await all("""
            select \(unescaped: Self.columns) from baselines b
            where b.tenant_id = \(tenantID) and b.project_id = \(projectID) and b.id > \(after ?? UUIDv7.lowest)
            order by b.id limit \(limit)
            """)
    }

    /// A page of items (by work item id) of the baseline against the current plan.
    public func compare(_ baseline: UUID, after: UUID?, limit: Int) async throws -> [ItemComparison] {
        let rows = try await connection.query("""
            select coalesce(b.work_item_id, w.id), coalesce(w.title, b.title), b.work_item_id is not null,
                   to_char(b.planned_start, 'YYYY-MM-DD'), to_char(b.planned_finish, 'YYYY-MM-DD'), b.budgeted_cost,
                   w.id is not null, to_char(w.planned_start, 'YYYY-MM-DD'), to_char(w.planned_finish, 'YYYY-MM-DD'),
                   w.budgeted_cost
            from (select * from baseline_items where tenant_id = \(tenantID) and baseline_id = \(baseline)) b
            full join (select * from work_items where tenant_id = \(tenantID) and project_id = \(projectID)) w
                on w.id = b.work_item_id
            where coalesce(b.work_item_id, w.id) > \(after ?? UUIDv7.lowest)
            order by 1 limit \(limit)
            """, logger: logger)
        var items: [ItemComparison] = []
        for try await (id, title, then, thenStart, thenFinish, thenCost, now, nowStart, nowFinish, nowCost) in rows.decode(
            (UUID, String, Bool, String?, String?, Int64?, Bool, String?, String?, Int64?).self) {
            func plan(_ exists: Bool, _ start: String?, _ finish: String?, _ cost: Int64?) -> ItemComparison.Plan? {
                exists ? .init(start: start.flatMap { CalendarDate($0) }, finish: finish.flatMap { CalendarDate($0) },
                               cost: cost ?? 0) : nil
            }
            items.append(ItemComparison(workItemID: id, title: title, baseline: plan(then, thenStart, thenFinish, thenCost),
                                        current: plan(now, nowStart, nowFinish, nowCost)))
        }
        return items
    }

    /// The current plan's earliest start, latest finish and total budgeted cost.
    public func currentTotals() async throws -> PlanTotals {
        let rows = try await connection.query("""
            select to_char(min(planned_start), 'YYYY-MM-DD'), to_char(max(planned_finish), 'YYYY-MM-DD'),
                   coalesce(sum(budgeted_cost), 0)::bigint
            from work_items where tenant_id = \(tenantID) and project_id = \(projectID)
            """, logger: logger)
        for try await (start, finish, cost) in rows.decode((String?, String?, Int64).self) {
            return PlanTotals(start: start.flatMap { CalendarDate($0) }, finish: finish.flatMap { CalendarDate($0) }, cost: cost)
        }
        return PlanTotals(start: nil, finish: nil, cost: 0)
    }

    private func all(_ query: PostgresQuery) async throws -> [BaselineRecord] {
        var records: [BaselineRecord] = []
        for try await (id, project, name, start, finish, bac, count, createdAt) in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, String, String?, String?, Int64, Int, Date).self) {
            records.append(BaselineRecord(id: id, projectID: project, name: name, plannedStart: start.flatMap { CalendarDate($0) },
                                          plannedFinish: finish.flatMap { CalendarDate($0) }, budgetAtCompletion: bac,
                                          itemCount: count, createdAt: createdAt))
        }
        return records
    }
}
