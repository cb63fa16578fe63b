import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored entry of the decision log.
public struct DecisionRecord: Sendable, Equatable {
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

/// SQL for `decisions`, inside a transaction whose tenant is set.
public struct DecisionStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        id, title, to_char(decided_on, 'YYYY-MM-DD'), made_by, rationale, meeting_id, breach_ids, project_ids, version,
        created_at, updated_at
        """

    public func insert(_ decision: DecisionRecord) async throws -> DecisionRecord {
        try await write(decision, """
            insert into decisions (tenant_id, id, title, decided_on, made_by, rationale, meeting_id, breach_ids, project_ids,
                                   created_at, updated_at)
            values (\(tenantID), \(decision.id), \(decision.title), \(decision.decidedOn.description)::date, \(decision.madeBy),
                    \(decision.rationale), \(decision.meetingID), \(decision.breachIDs), \(decision.projectIDs),
                    \(decision.createdAt), \(decision.updatedAt))
            returning \(unescaped: Self.columns)
            """)
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> DecisionRecord? {
        try await all("""
            select \(unescaped: Self.columns) from decisions where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """).first
    }

    public func list(_ filter: DecisionFilter, after: UUID?, limit: Int) async throws -> [DecisionRecord] {
        try await all("""
            select \(unescaped: Self.columns) from decisions
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(filter.meetingID)::uuid is null or meeting_id = \(filter.meetingID))
              and (\(filter.breachID)::uuid is null or breach_ids @> array[\(filter.breachID)::uuid])
              and (\(filter.projectID)::uuid is null or project_ids @> array[\(filter.projectID)::uuid])
            order by id limit \(limit)
            """)
    }

    public func update(_ decision: DecisionRecord, at now: Date) async throws -> DecisionRecord {
        try await write(decision, """
            update decisions set title = \(decision.title), decided_on = \(decision.decidedOn.description)::date,
                made_by = \(decision.madeBy), rationale = \(decision.rationale), meeting_id = \(decision.meetingID),
                breach_ids = \(decision.breachIDs), project_ids = \(decision.projectIDs), version = version + 1,
                updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(decision.id)
            returning \(unescaped: Self.columns)
            """)
    }

    /// Deletes a decision; actions that follow from it keep their record without the link.
    public func delete(_ id: UUID) async throws {
        try await connection.query("delete from decisions where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    /// The ids among `breaches` and `projects` that name nothing in the tenant, each with its pointer.
    public func unknownLinks(breaches: [UUID], projects: [UUID]) async throws -> [FieldError] {
        var known: Set<UUID> = []
        let rows = try await connection.query("""
            select id from breaches where tenant_id = \(tenantID) and id = any(\(breaches))
            union all select id from projects where tenant_id = \(tenantID) and id = any(\(projects))
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { known.insert(id) }
        return breaches.enumerated().filter { !known.contains($0.element) }
            .map { FieldError(pointer: "/breachIds/\($0.offset)", detail: "names no breach of this organisation") }
            + projects.enumerated().filter { !known.contains($0.element) }
            .map { FieldError(pointer: "/projectIds/\($0.offset)", detail: "names no project of this organisation") }
    }

    private func write(_ decision: DecisionRecord, _ query: PostgresQuery) async throws -> DecisionRecord {
        do {
            guard let record = try await all(query).first else { throw CorruptRow(table: "decisions", id: decision.id) }
            return record
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw UnknownParent(kind: "meeting", field: "meetingId", id: decision.meetingID)
        }
    }

    private func all(_ query: PostgresQuery) async throws -> [DecisionRecord] {
        var records: [DecisionRecord] = []
        for try await (id, title, decidedOn, madeBy, rationale, meeting, breaches, projects, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, String, String, String, String?, UUID?, [UUID], [UUID], Int64, Date, Date).self) {
            guard let decidedOn = CalendarDate(decidedOn) else { throw CorruptRow(table: "decisions", id: id) }
            records.append(DecisionRecord(id: id, title: title, decidedOn: decidedOn, madeBy: madeBy, rationale: rationale,
                                          meetingID: meeting, breachIDs: breaches, projectIDs: projects, version: version,
                                          createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
