public import Domain
public import Foundation
public import PostgresNIO

/// A stored entry of the decision log.
public struct DecisionRecord: VersionedRow, Equatable {
    public var id: UUID
    public var title: String
    public var decidedOn: CalendarDate
    public var madeBy: String
    public var rationale: String?
    public var meetingID: UUID?
    public var breachIDs: [UUID]
    public var projectIDs: [UUID]
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, title: String, decidedOn: CalendarDate, madeBy: String, rationale: String?, meetingID: UUID?,
                breachIDs: [UUID], projectIDs: [UUID], version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.title = title
        self.decidedOn = decidedOn
        self.madeBy = madeBy
        self.rationale = rationale
        self.meetingID = meetingID
        self.breachIDs = breachIDs
        self.projectIDs = projectIDs
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Which decisions a list shows.
public struct DecisionFilter: Sendable {
    public var meetingID: UUID?
    public var breachID: UUID?
    public var projectID: UUID?

    public init(meetingID: UUID? = nil, breachID: UUID? = nil, projectID: UUID? = nil) {
        self.meetingID = meetingID
        self.breachID = breachID
        self.projectID = projectID
    }
}

/// `decisions`: the decision log. Deleting a decision leaves the actions that follow from it without
/// the link.
public struct DecisionStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "decisions"

    /// Actions that followed a deleted decision stay, no longer tied to it.
    public func clearReferences(to id: UUID) async throws {
        try await scope.query("update actions set decision_id = null where tenant_id = \(tenantID) and decision_id = \(id)")
    }
    public static let columns = """
        id, title, decided_on, made_by, rationale, meeting_id, breach_ids, project_ids, version,
        created_at, updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> DecisionRecord {
        let (id, title, decidedOn, madeBy, rationale, meeting, breaches, projects, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, CalendarDate, String, String?, UUID?, [UUID], [UUID], Int64, Date, Date).self)
        return DecisionRecord(id: id, title: title, decidedOn: decidedOn, madeBy: madeBy,
                              rationale: rationale, meetingID: meeting, breachIDs: breaches, projectIDs: projects,
                              version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: DecisionRecord) -> (any Error)? {
        violation.kind == .foreignKey ? UnknownParent(kind: "meeting", field: "meetingId", id: row.meetingID) : nil
    }

    public func insert(_ decision: DecisionRecord) async throws -> DecisionRecord {
        try await write("""
            insert into decisions (tenant_id, id, title, decided_on, made_by, rationale, meeting_id, breach_ids, project_ids,
                                   created_at, updated_at)
            values (\(tenantID), \(decision.id), \(decision.title), \(decision.decidedOn), \(decision.madeBy),
                    \(decision.rationale), \(decision.meetingID), \(decision.breachIDs), \(decision.projectIDs),
                    \(decision.createdAt), \(decision.updatedAt))
            returning \(unescaped: Self.columns)
            """, decision)
    }

    public func list(_ filter: DecisionFilter, after: UUID?, limit: Int) async throws -> [DecisionRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from decisions
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(filter.meetingID)::uuid is null or meeting_id = \(filter.meetingID))
              and (\(filter.breachID)::uuid is null or breach_ids @> array[\(filter.breachID)::uuid])
              and (\(filter.projectID)::uuid is null or project_ids @> array[\(filter.projectID)::uuid])
            order by id limit \(limit)
            """)
    }

    public func update(_ decision: DecisionRecord, at now: Date) async throws -> DecisionRecord {
        try await write("""
            update decisions set title = \(decision.title), decided_on = \(decision.decidedOn),
                made_by = \(decision.madeBy), rationale = \(decision.rationale), meeting_id = \(decision.meetingID),
                breach_ids = \(decision.breachIDs), project_ids = \(decision.projectIDs), version = version + 1,
                updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(decision.id)
            returning \(unescaped: Self.columns)
            """, decision)
    }

    /// The ids among `breaches` and `projects` that name nothing in the tenant, each with its pointer.
    public func unknownLinks(breaches: [UUID], projects: [UUID]) async throws -> [FieldError] {
        var known: Set<UUID> = []
        let rows = try await scope.query("""
            select id from breaches where tenant_id = \(tenantID) and id = any(\(breaches))
            union all select id from projects where tenant_id = \(tenantID) and id = any(\(projects))
            """)
        for try await id in rows.decode(UUID.self) { known.insert(id) }
        return breaches.enumerated().filter { !known.contains($0.element) }
            .map { FieldError(pointer: "/breachIds/\($0.offset)", detail: "names no breach of this organisation") }
            + projects.enumerated().filter { !known.contains($0.element) }
            .map { FieldError(pointer: "/projectIds/\($0.offset)", detail: "names no project of this organisation") }
    }
}
