import Domain
import Foundation
import Logging
import PostgresNIO

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

/// SQL for `work_item_dependencies`, inside a transaction whose tenant is set. The graph spans
/// projects, so writes that could close a cycle take the tenant's dependency lock first.
public struct DependencyStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = "d.id, d.predecessor_id, d.successor_id, d.type, d.lag_days, d.created_at"

    /// The work items among `ids` that exist in the tenant.
    public func summaries(_ ids: [UUID]) async throws -> [UUID: WorkItemSummary] {
        var found: [UUID: WorkItemSummary] = [:]
        let rows = try await connection.query("""
            select id, project_id, title from work_items where tenant_id = \(tenantID) and id = any(\(ids))
            """, logger: logger)
        for try await (id, project, title) in rows.decode((UUID, UUID, String).self) {
            found[id] = WorkItemSummary(id: id, projectID: project, title: title)
        }
        return found
    }

    /// Adds the dependency unless it closes a cycle (checked over every dependency reachable from
    /// the successor, under the tenant's lock so two concurrent additions cannot close one together)
    /// or the pair is linked already.
    public func insert(id: UUID, _ dependency: ScheduleDependency, at now: Date) async throws -> DependencyRecord {
        _ = try await connection.query(
            "select pg_advisory_xact_lock(hashtextextended('pmo.dependencies:' || \(tenantID)::text, 0))",
            logger: logger).collect()
        let reachable = try await edges(reachableFrom: dependency.successor)
        if let cycle = CriticalPath.cycle(adding: dependency, to: reachable) {
            let items = try await summaries(cycle)
            throw DependencyCycleFound(items: cycle.compactMap { items[$0] })
        }
        do {
            return try await all("""
                insert into work_item_dependencies as d (tenant_id, id, predecessor_id, successor_id, type, lag_days, created_at)
                values (\(tenantID), \(id), \(dependency.predecessor), \(dependency.successor), \(dependency.type.rawValue),
                        \(dependency.lagDays), \(now))
                returning \(unescaped: Self.columns)
                """)[0]
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateDependency()
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw UnknownParent(kind: "work item", field: "predecessorId", id: dependency.predecessor)  // deleted meanwhile
        }
    }

    /// Inserts dependencies known to form no cycle (a template's, checked as a whole) in one statement.
    public func insertChecked(_ links: [ScheduleDependency], ids: [UUID], at now: Date) async throws {
        guard !links.isEmpty else { return }
        try await connection.query("""
            insert into work_item_dependencies (tenant_id, id, predecessor_id, successor_id, type, lag_days, created_at)
            select \(tenantID), x.id, x.predecessor, x.successor, x.type, x.lag, \(now)
            from unnest(\(ids)::uuid[], \(links.map(\.predecessor))::uuid[], \(links.map(\.successor))::uuid[],
                        \(links.map(\.type.rawValue))::text[], \(links.map(\.lagDays))::integer[])
                 as x(id, predecessor, successor, type, lag)
            """, logger: logger)
    }

    /// The dependencies that go out of `start` and of everything after it.
    func edges(reachableFrom start: UUID) async throws -> [ScheduleDependency] {
        let rows = try await connection.query("""
            with recursive reach(id) as (
                select \(start)::uuid
                union
                select d.successor_id from work_item_dependencies d join reach r on d.predecessor_id = r.id
                where d.tenant_id = \(tenantID)
            )
            select d.predecessor_id, d.successor_id from work_item_dependencies d join reach r on d.predecessor_id = r.id
            where d.tenant_id = \(tenantID)
            """, logger: logger)
        var edges: [ScheduleDependency] = []
        for try await (predecessor, successor) in rows.decode((UUID, UUID).self) {
            edges.append(ScheduleDependency(predecessor: predecessor, successor: successor))
        }
        return edges
    }

    /// The dependency, if one of its ends is in `project`.
    public func find(_ id: UUID, project: UUID) async throws -> DependencyRecord? {
        try await all("""
            select \(unescaped: Self.columns) from work_item_dependencies d
            where d.tenant_id = \(tenantID) and d.id = \(id) and exists (
                select from work_items w where w.tenant_id = d.tenant_id and w.project_id = \(project)
                  and w.id in (d.predecessor_id, d.successor_id))
            """).first
    }

    /// A page (oldest first) of the dependencies with at least one end in `project`.
    public func list(project: UUID, after: UUID?, limit: Int) async throws -> [DependencyRecord] {
        try await all("""
            select \(unescaped: Self.columns) from work_item_dependencies d
            where d.tenant_id = \(tenantID) and d.id > \(after ?? UUIDv7.lowest) and exists (
                select from work_items w where w.tenant_id = d.tenant_id and w.project_id = \(project)
                  and w.id in (d.predecessor_id, d.successor_id))
            order by d.id limit \(limit)
            """)
    }

    /// Every dependency whose successor is in `project` (the schedule's network).
    public func into(project: UUID) async throws -> [DependencyRecord] {
        try await all("""
            select \(unescaped: Self.columns) from work_item_dependencies d
            join work_items w on w.tenant_id = d.tenant_id and w.id = d.successor_id
            where d.tenant_id = \(tenantID) and w.project_id = \(project)
            """)
    }

    public func delete(_ id: UUID) async throws {
        try await connection.query(
            "delete from work_item_dependencies where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    private func all(_ query: PostgresQuery) async throws -> [DependencyRecord] {
        var records: [DependencyRecord] = []
        for try await (id, predecessor, successor, type, lag, createdAt) in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, UUID, String, Int, Date).self) {
            guard let type = DependencyType(rawValue: type) else { throw CorruptRow(table: "work_item_dependencies", id: id) }
            records.append(DependencyRecord(id: id, predecessorID: predecessor, successorID: successor, type: type,
                                            lagDays: lag, createdAt: createdAt))
        }
        return records
    }
}
