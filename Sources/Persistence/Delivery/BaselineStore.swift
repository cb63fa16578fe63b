public import Domain
public import Foundation
public import PostgresNIO

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

    init(id: UUID, projectID: UUID, name: String, plannedStart: CalendarDate? = nil, plannedFinish: CalendarDate? = nil,
         budgetAtCompletion: Int64, itemCount: Int, createdAt: Date) {
        self.id = id
        self.projectID = projectID
        self.name = name
        self.plannedStart = plannedStart
        self.plannedFinish = plannedFinish
        self.budgetAtCompletion = budgetAtCompletion
        self.itemCount = itemCount
        self.createdAt = createdAt
    }
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

/// `baselines` of one project, and their `baseline_items`. Baselines are only ever inserted and read
/// (the app role holds no other grant on them).
public struct BaselineStore: TenantTable {
    public let scope: TenantScope
    public let projectID: UUID
    public init(_ scope: TenantScope, projectID: UUID) {
        self.scope = scope
        self.projectID = projectID
    }
    public var parent: (column: String, id: UUID)? { ("project_id", projectID) }

    public static let table = "baselines"
    public static let columnsReadOtherTables = true
    /// The baseline's own columns, qualified by the table's name: the count's subquery names the
    /// baseline's row.
    static let ownColumns = """
        baselines.id, baselines.project_id, baselines.name, baselines.planned_start, baselines.planned_finish,
        baselines.budget_at_completion, baselines.created_at
        """
    /// Its items' count follows (a write's RETURNING has none: Citus refuses a subquery there).
    public static let columns = """
        \(ownColumns),
        (select count(*)::int from baseline_items i where i.tenant_id = baselines.tenant_id and i.baseline_id = baselines.id)
        """

    public static func decode(_ row: PostgresRow) throws -> BaselineRecord {
        let (id, project, name, start, finish, bac, createdAt, count) = try row.decode(
            (UUID, UUID, String, CalendarDate?, CalendarDate?, Int64, Date, Int).self)
        return BaselineRecord(id: id, projectID: project, name: name, plannedStart: start, plannedFinish: finish,
                              budgetAtCompletion: bac, itemCount: count, createdAt: createdAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: BaselineRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "baseline", name: row.name) : nil
    }

    /// Snapshots every work item of the project, in two statements of the caller's transaction. The
    /// items are copied by one `insert … select` that Citus runs on the tenant's shard: it takes
    /// `tenant_id` from the rows it copies and calls no volatile function (an item's id is derived from
    /// the baseline's and the work item's, unique per baseline), otherwise Citus would route the rows
    /// through COPY, which row-level security refuses.
    public func create(id: UUID, name: String, at now: Date) async throws -> BaselineRecord {
        // The row as inserted has no items yet: it is read again once they are in.
        _ = try await write("""
            insert into baselines (tenant_id, id, project_id, name, planned_start, planned_finish,
                                   budget_at_completion, created_at)
            select \(tenantID), \(id), \(projectID), \(name), min(planned_start), max(planned_finish),
                   coalesce(sum(budgeted_cost), 0), \(now)
            from work_items where tenant_id = \(tenantID) and project_id = \(projectID)
            returning \(unescaped: Self.ownColumns), 0
            """, BaselineRecord(id: id, projectID: projectID, name: name, budgetAtCompletion: 0, itemCount: 0, createdAt: now))
        try await scope.query("""
            insert into baseline_items (tenant_id, id, baseline_id, work_item_id, title, planned_start, planned_finish,
                                        duration_days, budgeted_cost)
            select tenant_id, md5(\(id)::text || id::text)::uuid, \(id), id, title, planned_start, planned_finish,
                   duration_days, budgeted_cost
            from work_items where tenant_id = \(tenantID) and project_id = \(projectID)
            """)
        guard let created = try await find(id) else { throw MissingRow(table: Self.table) }
        return created
    }

    /// A page of items (by work item id) of the baseline against the current plan.
    public func compare(_ baseline: UUID, after: UUID?, limit: Int) async throws -> [ItemComparison] {
        let rows = try await scope.query("""
            select coalesce(b.work_item_id, w.id), coalesce(w.title, b.title), b.work_item_id is not null,
                   b.planned_start, b.planned_finish, b.budgeted_cost,
                   w.id is not null, w.planned_start, w.planned_finish, w.budgeted_cost
            from (select * from baseline_items where tenant_id = \(tenantID) and baseline_id = \(baseline)) b
            full join (select * from work_items where tenant_id = \(tenantID) and project_id = \(projectID)) w
                on w.tenant_id = b.tenant_id and w.id = b.work_item_id
            where coalesce(b.work_item_id, w.id) > \(after ?? UUIDv7.lowest)
            order by 1 limit \(limit)
            """)
        var items: [ItemComparison] = []
        for try await (id, title, then, thenStart, thenFinish, thenCost, now, nowStart, nowFinish, nowCost) in rows.decode(
            (UUID, String, Bool, CalendarDate?, CalendarDate?, Int64?, Bool, CalendarDate?, CalendarDate?, Int64?).self) {
            func plan(_ exists: Bool, _ start: CalendarDate?, _ finish: CalendarDate?, _ cost: Int64?) -> ItemComparison.Plan? {
                exists ? .init(start: start, finish: finish, cost: cost ?? 0) : nil
            }
            items.append(ItemComparison(workItemID: id, title: title, baseline: plan(then, thenStart, thenFinish, thenCost),
                                        current: plan(now, nowStart, nowFinish, nowCost)))
        }
        return items
    }

    /// The current plan's earliest start, latest finish and total budgeted cost.
    public func currentTotals() async throws -> PlanTotals {
        let rows = try await scope.query("""
            select min(planned_start), max(planned_finish), coalesce(sum(budgeted_cost), 0)::bigint
            from work_items where tenant_id = \(tenantID) and project_id = \(projectID)
            """)
        for try await (start, finish, cost) in rows.decode((CalendarDate?, CalendarDate?, Int64).self) {
            return PlanTotals(start: start, finish: finish, cost: cost)
        }
        return PlanTotals(start: nil, finish: nil, cost: 0)
    }
}
