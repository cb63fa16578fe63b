public import Domain
public import Foundation
public import PostgresNIO

/// A stored dependency between two work items of the tenant.
public struct DependencyRecord: Sendable, Equatable {
    public var id: UUID
    public var predecessorID: UUID
    public var successorID: UUID
    public var type: DependencyType
    public var lagDays: Int
    public var createdAt: Date
}

/// A work item as a dependency end sees it.
public struct WorkItemSummary: Sendable, Equatable {
    public var id: UUID
    public var projectID: UUID
    public var title: String
}

/// The dependency would close a cycle: the items around it, in dependency order.
public struct DependencyCycleFound: Error, Equatable {
    public let items: [WorkItemSummary]
}

/// These two items are linked already (in this direction).
public struct DuplicateDependency: Error, Equatable {}

/// `work_item_dependencies`: links between work items of the tenant. The graph spans projects, so
/// writes that could close a cycle take the tenant's dependency lock first.
public struct DependencyStore: TenantTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "work_item_dependencies"
    /// Qualified by the table's name: some statements join work items.
    public static let columns = """
        work_item_dependencies.id, work_item_dependencies.predecessor_id, work_item_dependencies.successor_id,
        work_item_dependencies.type, work_item_dependencies.lag_days, work_item_dependencies.created_at
        """

    public static func decode(_ row: PostgresRow) throws -> DependencyRecord {
        let (id, predecessor, successor, type, lag, createdAt) = try row.decode((UUID, UUID, UUID, String, Int, Date).self)
        guard let type = DependencyType(rawValue: type) else { throw corrupt(id) }
        return DependencyRecord(id: id, predecessorID: predecessor, successorID: successor, type: type, lagDays: lag,
                                createdAt: createdAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: DependencyRecord) -> (any Error)? {
        switch violation.kind {
        case .unique: DuplicateDependency()
        case .foreignKey: UnknownParent(kind: "work item", field: "predecessorId", id: row.predecessorID)  // deleted meanwhile
        default: nil
        }
    }

    /// The work items among `ids` that exist in the tenant.
    public func summaries(_ ids: [UUID]) async throws -> [UUID: WorkItemSummary] {
        var found: [UUID: WorkItemSummary] = [:]
        let rows = try await scope.query("""
            select id, project_id, title from work_items where tenant_id = \(tenantID) and id = any(\(ids))
            """)
        for try await (id, project, title) in rows.decode((UUID, UUID, String).self) {
            found[id] = WorkItemSummary(id: id, projectID: project, title: title)
        }
        return found
    }

    /// Adds the dependency unless it closes a cycle (checked over every dependency reachable from
    /// the successor, under the tenant's lock so two concurrent additions cannot close one together)
    /// or the pair is linked already.
    public func insert(id: UUID, _ dependency: ScheduleDependency, at now: Date) async throws -> DependencyRecord {
        _ = try await scope.query(
            "select pg_advisory_xact_lock(hashtextextended('pmo.dependencies:' || \(tenantID)::text, 0))").collect()
        let reachable = try await edges(reachableFrom: dependency.successor)
        if let cycle = CriticalPath.cycle(adding: dependency, to: reachable) {
            let items = try await summaries(cycle)
            throw DependencyCycleFound(items: cycle.compactMap { items[$0] })
        }
        return try await write("""
            insert into work_item_dependencies (tenant_id, id, predecessor_id, successor_id, type, lag_days, created_at)
            values (\(tenantID), \(id), \(dependency.predecessor), \(dependency.successor), \(dependency.type.rawValue),
                    \(dependency.lagDays), \(now))
            returning \(unescaped: Self.columns)
            """, DependencyRecord(id: id, predecessorID: dependency.predecessor, successorID: dependency.successor,
                                  type: dependency.type, lagDays: dependency.lagDays, createdAt: now))
    }

    /// Inserts dependencies known to form no cycle (a template's, checked as a whole) in one statement.
    public func insertChecked(_ links: [ScheduleDependency], ids: [UUID], at now: Date) async throws {
        guard !links.isEmpty else { return }
        var insert = MultiRowInsert(into: "work_item_dependencies", columns: [
            "tenant_id", "id", "predecessor_id", "successor_id", "type", "lag_days", "created_at"])
        let tenant = try insert.shared(tenantID)
        let createdAt = try insert.shared(now)
        for (link, id) in zip(links, ids) {
            try insert.row { row in
                row.cite(tenant); try row.bind(id); try row.bind(link.predecessor); try row.bind(link.successor)
                try row.bind(link.type.rawValue); try row.bind(link.lagDays); row.cite(createdAt)
            }
        }
        try await scope.query(insert.query())
    }

    /// The dependencies that go out of `start` and of everything after it.
    func edges(reachableFrom start: UUID) async throws -> [ScheduleDependency] {
        let rows = try await scope.query("""
            with recursive reach(id) as (
                select \(start)::uuid
                union
                select d.successor_id from work_item_dependencies d join reach r on d.predecessor_id = r.id
                where d.tenant_id = \(tenantID)
            )
            select d.predecessor_id, d.successor_id from work_item_dependencies d join reach r on d.predecessor_id = r.id
            where d.tenant_id = \(tenantID)
            """)
        var edges: [ScheduleDependency] = []
        for try await (predecessor, successor) in rows.decode((UUID, UUID).self) {
            edges.append(ScheduleDependency(predecessor: predecessor, successor: successor))
        }
        return edges
    }

    /// The dependency, if one of its ends is in `project`.
    public func find(_ id: UUID, project: UUID) async throws -> DependencyRecord? {
        try await rows("""
            select \(unescaped: Self.columns) from work_item_dependencies
            where tenant_id = \(tenantID) and id = \(id) and exists (
                select from work_items w where w.tenant_id = work_item_dependencies.tenant_id and w.project_id = \(project)
                  and w.id in (work_item_dependencies.predecessor_id, work_item_dependencies.successor_id))
            """).first
    }

    /// A page (oldest first) of the dependencies with at least one end in `project`.
    public func list(project: UUID, after: UUID?, limit: Int) async throws -> [DependencyRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from work_item_dependencies
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest) and exists (
                select from work_items w where w.tenant_id = work_item_dependencies.tenant_id and w.project_id = \(project)
                  and w.id in (work_item_dependencies.predecessor_id, work_item_dependencies.successor_id))
            order by id limit \(limit)
            """)
    }

    /// Every dependency whose successor is in `project` (the schedule's network).
    public func into(project: UUID) async throws -> [DependencyRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from work_item_dependencies
            join work_items w on w.tenant_id = work_item_dependencies.tenant_id and w.id = work_item_dependencies.successor_id
            where work_item_dependencies.tenant_id = \(tenantID) and w.project_id = \(project)
            """)
    }
}
