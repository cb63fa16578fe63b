import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored knowledge-transfer session of a transition.
public struct KTSessionRecord: Sendable, Equatable {
    public var id: UUID
    public var transitionID: UUID
    public var topic: String
    public var processArea: String
    public var expert: String
    public var attendees: [String]
    public var date: CalendarDate
    public var status: KTSessionStatus
    public var proficiency: Int?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, transitionID: UUID, topic: String, processArea: String, expert: String, attendees: [String],
                date: CalendarDate, status: KTSessionStatus, proficiency: Int?, version: Int64 = 1, createdAt: Date,
                updatedAt: Date) {
        self.id = id
        self.transitionID = transitionID
        self.topic = topic
        self.processArea = processArea
        self.expert = expert
        self.attendees = attendees
        self.date = date
        self.status = status
        self.proficiency = proficiency
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// SQL for `kt_sessions`, inside a transaction whose tenant is set.
public struct KTSessionStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        id, transition_id, topic, process_area, expert, attendees, to_char(held_on, 'YYYY-MM-DD'), status, proficiency,
        version, created_at, updated_at
        """

    public func insert(_ session: KTSessionRecord) async throws -> KTSessionRecord {
        try await one("""
            insert into kt_sessions (tenant_id, id, transition_id, topic, process_area, expert, attendees, held_on, status,
                                     proficiency, created_at, updated_at)
            values (\(tenantID), \(session.id), \(session.transitionID), \(session.topic), \(session.processArea),
                    \(session.expert), \(session.attendees), \(session.date.description)::date, \(session.status.rawValue),
                    \(session.proficiency), \(session.createdAt), \(session.updatedAt))
            returning \(unescaped: Self.columns)
            """, id: session.id)
    }

    public func find(_ id: UUID, transition: UUID, lock: Bool = false) async throws -> KTSessionRecord? {
        try await all("""
            select \(unescaped: Self.columns) from kt_sessions
            where tenant_id = \(tenantID) and transition_id = \(transition) and id = \(id) \(unescaped: lock ? "for update" : "")
            """).first
    }

    public func list(transition: UUID, after: UUID?, limit: Int) async throws -> [KTSessionRecord] {
        try await all("""
            select \(unescaped: Self.columns) from kt_sessions
            where tenant_id = \(tenantID) and transition_id = \(transition) and id > \(after ?? UUIDv7.lowest)
            order by id limit \(limit)
            """)
    }

    /// Every session's process area, status and score (coverage).
    public func outcomes(of transition: UUID) async throws -> [(processArea: String, status: KTSessionStatus, proficiency: Int?)] {
        var outcomes: [(processArea: String, status: KTSessionStatus, proficiency: Int?)] = []
        let rows = try await connection.query("""
            select process_area, status, proficiency from kt_sessions where tenant_id = \(tenantID) and transition_id = \(transition)
            """, logger: logger)
        for try await (area, status, proficiency) in rows.decode((String, String, Int?).self) {
            guard let status = KTSessionStatus(rawValue: status) else { throw CorruptRow(table: "kt_sessions", id: transition) }
            outcomes.append((area, status, proficiency))
        }
        return outcomes
    }

    public func update(_ session: KTSessionRecord, at now: Date) async throws -> KTSessionRecord {
        try await one("""
            update kt_sessions set topic = \(session.topic), process_area = \(session.processArea), expert = \(session.expert),
                attendees = \(session.attendees), held_on = \(session.date.description)::date, status = \(session.status.rawValue),
                proficiency = \(session.proficiency), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(session.id)
            returning \(unescaped: Self.columns)
            """, id: session.id)
    }

    public func delete(_ id: UUID) async throws {
        try await connection.query("delete from kt_sessions where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    private func one(_ query: PostgresQuery, id: UUID) async throws -> KTSessionRecord {
        guard let record = try await all(query).first else { throw CorruptRow(table: "kt_sessions", id: id) }
        return record
    }

    private func all(_ query: PostgresQuery) async throws -> [KTSessionRecord] {
        var records: [KTSessionRecord] = []
        for try await (id, transition, topic, area, expert, attendees, date, status, proficiency, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, String, String, String, [String], String, String, Int?, Int64, Date, Date).self) {
            guard let date = CalendarDate(date), let status = KTSessionStatus(rawValue: status) else {
                throw CorruptRow(table: "kt_sessions", id: id)
            }
            records.append(KTSessionRecord(id: id, transitionID: transition, topic: topic, processArea: area, expert: expert,
                                           attendees: attendees, date: date, status: status, proficiency: proficiency,
                                           version: version, createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
