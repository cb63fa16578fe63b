public import Domain
public import Foundation
public import PostgresNIO

/// A stored work item; `path` holds the ids from its root down to itself, joined by '/'.
public struct WorkItemRecord: VersionedRow, Equatable {
    public var id: UUID
    public var projectID: UUID
    public var parentID: UUID?
    public var path: String
    public var fields: WorkItemFields
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
    /// The day the item's status last became done; nil while it is not done.
    public var completedOn: CalendarDate?

    /// 0 for a root item.
    public var depth: Int { path.utf8.filter { $0 == UInt8(ascii: "/") }.count }

    /// Whether `other` is this item or one of its descendants.
    public func contains(path other: String) -> Bool { other == path || other.hasPrefix(path + "/") }
}

/// A work item as an activity of the schedule.
public struct NetworkItem: Sendable, Equatable {
    public var id: UUID
    public var title: String
    public var durationDays: Int
    public var plannedStart: CalendarDate?
}

/// A work item to insert: its id, parent and path are decided by the caller (a bulk request names
/// parents inside the same batch).
public struct NewWorkItem: Sendable {
    public var id: UUID
    public var parentID: UUID?
    public var path: String
    public var fields: WorkItemFields

    public init(id: UUID, parentID: UUID?, path: String, fields: WorkItemFields) {
        self.id = id
        self.parentID = parentID
        self.path = path
        self.fields = fields
    }

    /// How deep the tree may go (the root is depth 0): paths stay well inside an index entry.
    public static let maximumDepth = 30

    /// The depth of the item at `path` (0 for a root).
    public static func depth(of path: String) -> Int { path.utf8.filter { $0 == UInt8(ascii: "/") }.count }

    public static func path(for id: UUID, under parentPath: String?) -> String {
        let own = id.uuidString.lowercased()
        return parentPath.map { $0 + "/" + own } ?? own
    }
}

/// `work_items` of one project: the WBS, a tree whose shape `path` holds.
public struct WorkItemStore: UpdatableTable {
    public let scope: TenantScope
    public let projectID: UUID
    public init(_ scope: TenantScope, projectID: UUID) {
        self.scope = scope
        self.projectID = projectID
    }
    public var parent: (column: String, id: UUID)? { ("project_id", projectID) }

    public static let table = "work_items"
    public static let columns = """
        id, project_id, parent_id, path, kind, title, description, status, planned_start,
        planned_finish, duration_days, estimate_hours::float8, story_points, budgeted_cost,
        percent_complete, assignee_id, version, created_at, updated_at, sprint_id, completed_on,
        custom_fields::text
        """

    public static func decode(_ row: PostgresRow) throws -> WorkItemRecord {
        let cells = Array(row)
        func cell<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T { try cells[index].decode(T.self) }
        let id = try cell(0, UUID.self)
        guard let kind = WorkItemKind(rawValue: try cell(4, String.self)),
              let status = WorkItemStatus(rawValue: try cell(7, String.self))
        else { throw corrupt(id) }
        let fields = WorkItemFields(
            kind: kind, title: try cell(5, String.self), description: try cell(6, String?.self), status: status,
            plannedStart: try cell(8, CalendarDate?.self), plannedFinish: try cell(9, CalendarDate?.self),
            durationDays: try cell(10, Int?.self), estimateHours: try cell(11, Double?.self),
            storyPoints: try cell(12, Int?.self), budgetedCost: try cell(13, Int64.self),
            percentComplete: Int(try cell(14, Int16.self)), assigneeID: try cell(15, UUID?.self),
            sprintID: try cell(19, UUID?.self),
            customFields: CustomFields.values(fromJSON: try cell(21, String?.self) ?? "{}"))
        return WorkItemRecord(id: id, projectID: try cell(1, UUID.self), parentID: try cell(2, UUID?.self),
                              path: try cell(3, String.self), fields: fields, version: try cell(16, Int64.self),
                              createdAt: try cell(17, Date.self), updatedAt: try cell(18, Date.self),
                              completedOn: try cell(20, CalendarDate?.self))
    }

    public static func error(for violation: ConstraintViolation, writing row: WorkItemRecord) -> (any Error)? {
        violation.kind == .foreignKey ? unknownReference(violation) : nil
    }

    public static func error(for violation: ConstraintViolation, deleting id: UUID) -> (any Error)? {
        // A child or a cost entry added after the counts below, before the delete.
        violation.kind == .foreignKey
            ? HasChildren(kind: "work item", id: id, childKind: "child items or cost entries", count: 1) : nil
    }

    /// Which reference a foreign key refused: the assignee (a member), the sprint or the parent.
    static func unknownReference(_ violation: ConstraintViolation) -> UnknownParent {
        if violation.constraint.contains("assignee") {
            return UnknownParent(kind: "member", field: "assigneeId", id: nil)
        }
        if violation.constraint.contains("sprint") {
            return UnknownParent(kind: "sprint of this project", field: "sprintId", id: nil)
        }
        return UnknownParent(kind: "work item of this project", field: "parentId", id: nil)
    }

    /// Inserts every item in one statement (all or nothing), parents before their children.
    public func insert(_ items: [NewWorkItem], at now: Date) async throws -> [WorkItemRecord] {
        let today = CalendarDate(utcDate: now)
        var insert = MultiRowInsert(into: "work_items", columns: [
            "tenant_id", "id", "project_id", "parent_id", "path", "kind", "title", "description", "status",
            "planned_start", "planned_finish", "duration_days", "estimate_hours", "story_points", "budgeted_cost",
            "percent_complete", "assignee_id", "sprint_id", "completed_on", "custom_fields", "created_at", "updated_at"])
        let tenant = try insert.shared(tenantID)
        let project = try insert.shared(projectID)
        let stamp = try insert.shared(now)
        let completedToday = try insert.shared(today)
        for item in items.sorted(by: { $0.path.count < $1.path.count }) {
            let f = item.fields
            let customFields = String(decoding: try JSONSerialization.data(withJSONObject: f.customFields.mapValues(\.json)),
                                      as: UTF8.self)
            try insert.row { row in
                row.cite(tenant); try row.bind(item.id); row.cite(project); try row.bind(item.parentID)
                try row.bind(item.path); try row.bind(f.kind.rawValue); try row.bind(f.title); try row.bind(f.description)
                try row.bind(f.status.rawValue); try row.bind(f.plannedStart); try row.bind(f.plannedFinish)
                try row.bind(f.durationDays); try row.bind(f.estimateHours); try row.bind(f.storyPoints)
                try row.bind(f.budgetedCost); try row.bind(f.percentComplete); try row.bind(f.assigneeID)
                try row.bind(f.sprintID)
                if f.status == .done { row.cite(completedToday) } else { row.expression("null") }
                try row.bind(customFields, as: "jsonb"); row.cite(stamp); row.cite(stamp)
            }
        }
        let inserted: [WorkItemRecord]
        do {
            inserted = try await self.rows(insert.query(then: "returning \(Self.columns)"))
        } catch {
            // Many rows, so no one row for `write`'s table of errors: the refused reference is named alone.
            if let violation = ConstraintViolation(error), violation.kind == .foreignKey {
                throw Self.unknownReference(violation)
            }
            throw error
        }
        let order = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1.id, $0) })
        return inserted.sorted { order[$0.id, default: 0] < order[$1.id, default: 0] }
    }

    /// The paths of these items of the project (parents named by a bulk request), by id.
    public func paths(of ids: [UUID]) async throws -> [UUID: String] {
        var paths: [UUID: String] = [:]
        let rows = try await scope.query("""
            select id, path from work_items where tenant_id = \(tenantID) and project_id = \(projectID) and id = any(\(ids))
            """)
        for try await (id, path) in rows.decode((UUID, String).self) { paths[id] = path }
        return paths
    }

    /// A page in id order (creation order), after the cursor; `under` limits it to a subtree (the
    /// item at that path and its descendants), `parent` to an item's children.
    public func list(under path: String?, parent parentID: UUID?, status: WorkItemStatus?,
                     custom: [String: CustomFieldValue]? = nil, after: UUID?, limit: Int) async throws -> [WorkItemRecord] {
        let contains = custom.map(CustomFields.json)
        return try await rows("""
            select \(unescaped: Self.columns) from work_items
            where tenant_id = \(tenantID) and project_id = \(projectID) and id > \(after ?? UUIDv7.lowest)
              and (\(path)::text is null or path = \(path) or path like \(path.map { $0 + "/%" }))
              and (\(parentID)::uuid is null or parent_id = \(parentID))
              and (\(status?.rawValue)::text is null or status = \(status?.rawValue))
              and (\(contains)::jsonb is null or custom_fields @> \(contains)::jsonb)
            order by id limit \(limit)
            """)
    }

    /// Writes the fields and bumps the version (the parent changes only through `move`).
    public func update(_ record: WorkItemRecord, at now: Date) async throws -> WorkItemRecord {
        let f = record.fields
        return try await write("""
            update work_items set kind = \(f.kind.rawValue), title = \(f.title), description = \(f.description),
                status = \(f.status.rawValue), planned_start = \(f.plannedStart),
                planned_finish = \(f.plannedFinish), duration_days = \(f.durationDays),
                estimate_hours = \(f.estimateHours)::numeric, story_points = \(f.storyPoints),
                budgeted_cost = \(f.budgetedCost), percent_complete = \(f.percentComplete),
                assignee_id = \(f.assigneeID), sprint_id = \(f.sprintID),
                custom_fields = \(CustomFields.json(f.customFields))::jsonb,
                completed_on = case when \(f.status.rawValue) = 'done' then coalesce(completed_on, \(CalendarDate(utcDate: now))) end,
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and project_id = \(projectID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """, record)
    }

    /// Moves the item and its whole subtree under `parent` (nil: to the root) in one statement: every
    /// path that starts with the item's is rewritten. The caller has checked that `parent` is not in
    /// the subtree.
    public func move(_ record: WorkItemRecord, under parent: WorkItemRecord?, at now: Date) async throws {
        let newPath = NewWorkItem.path(for: record.id, under: parent?.path)
        try await scope.query("""
            update work_items set path = \(newPath) || substr(path, \(record.path.utf8.count + 1)::integer),
                parent_id = case when id = \(record.id) then \(parent?.id) else parent_id end,
                version = case when id = \(record.id) then version + 1 else version end,
                updated_at = case when id = \(record.id) then \(now) else updated_at end
            where tenant_id = \(tenantID) and project_id = \(projectID)
              and (path = \(record.path) or path like \(record.path + "/%"))
            """)
    }

    /// Serializes changes to the shape of the project's tree (moves, and inserts under existing
    /// items) until the transaction ends: paths read after it are current, and two moves cannot
    /// each put one item under the other.
    public func lockTree() async throws {
        _ = try await scope.query(
            "select pg_advisory_xact_lock(hashtextextended('pmo.wbs:' || \(projectID)::text, 0))").collect()
    }

    /// How many levels the item's subtree has below it (0 for a leaf).
    public func subtreeHeight(of record: WorkItemRecord) async throws -> Int {
        let rows = try await scope.query("""
            select coalesce(max(length(path) - length(replace(path, '/', ''))), 0)::int from work_items
            where tenant_id = \(tenantID) and project_id = \(projectID) and path like \(record.path + "/%")
            """)
        for try await deepest in rows.decode(Int.self) { return max(0, deepest - record.depth) }
        return 0
    }

    /// An item with children or actual costs stays (actual costs are never lost with the item they
    /// were booked on); its dependencies go with it.
    public func checkDeletable(_ id: UUID) async throws {
        let children = try await count(
            "select count(*) from work_items where tenant_id = \(tenantID) and parent_id = \(id)")
        guard children == 0 else {
            throw HasChildren(kind: "work item", id: id, childKind: "child items", count: children)
        }
        let actuals = try await count(
            "select count(*) from cost_entries where tenant_id = \(tenantID) and work_item_id = \(id)")
        guard actuals == 0 else {
            throw HasChildren(kind: "work item", id: id, childKind: "cost entries", count: actuals)
        }
    }

    /// What the schedule needs of each of the project's items.
    public func networkItems() async throws -> [NetworkItem] {
        try await Self.network(scope.query("""
            select id, title, kind, coalesce(duration_days, 0), planned_start from work_items
            where tenant_id = \(tenantID) and project_id = \(projectID)
            """))
    }

    /// The same for items of other projects (predecessors across projects).
    public static func networkItems(_ ids: [UUID], in scope: TenantScope) async throws -> [NetworkItem] {
        guard !ids.isEmpty else { return [] }
        return try await network(scope.query("""
            select id, title, kind, coalesce(duration_days, 0), planned_start from work_items
            where tenant_id = \(scope.tenantID) and id = any(\(ids))
            """))
    }

    private static func network(_ rows: PostgresRowSequence) async throws -> [NetworkItem] {
        var items: [NetworkItem] = []
        for try await (id, title, kind, duration, start) in rows.decode((UUID, String, String, Int, CalendarDate?).self) {
            items.append(NetworkItem(id: id, title: title, durationDays: kind == WorkItemKind.milestone.rawValue ? 0 : duration,
                                     plannedStart: start))
        }
        return items
    }

    /// What earned value needs of each of the project's items.
    public func earnedValueItems() async throws -> [EarnedValueItem] {
        let rows = try await scope.query("""
            select budgeted_cost, planned_start, planned_finish, percent_complete
            from work_items where tenant_id = \(tenantID) and project_id = \(projectID)
            """)
        var items: [EarnedValueItem] = []
        for try await (cost, start, finish, percent) in rows.decode((Int64, CalendarDate?, CalendarDate?, Int16).self) {
            items.append(EarnedValueItem(budgetedCost: cost, plannedStart: start, plannedFinish: finish,
                                         percentComplete: Int(percent)))
        }
        return items
    }
}
