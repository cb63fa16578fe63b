public import Domain
public import Foundation
public import PostgresNIO

/// A stored knowledge-transfer session of a transition.
public struct KTSessionRecord: VersionedRow, Equatable {
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

/// `kt_sessions`: a transition's knowledge-transfer sessions. Bound to a transition (`transition`),
/// the common statements see its sessions only.
public struct KTSessionStore: UpdatableTable {
    public let scope: TenantScope
    public let transition: UUID?
    public init(_ scope: TenantScope) { self.init(scope, transition: nil) }
    public init(_ scope: TenantScope, transition: UUID?) {
        self.scope = scope
        self.transition = transition
    }

    public var parent: (column: String, id: UUID)? { transition.map { ("transition_id", $0) } }

    public static let table = "kt_sessions"
    public static let columns = """
        id, transition_id, topic, process_area, expert, attendees, held_on, status, proficiency,
        version, created_at, updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> KTSessionRecord {
        let (id, transition, topic, area, expert, attendees, date, status, proficiency, version, createdAt, updatedAt) = try row.decode(
            (UUID, UUID, String, String, String, [String], CalendarDate, String, Int?, Int64, Date, Date).self)
        guard let status = KTSessionStatus(rawValue: status) else { throw corrupt(id) }
        return KTSessionRecord(id: id, transitionID: transition, topic: topic, processArea: area, expert: expert,
                               attendees: attendees, date: date, status: status,
                               proficiency: proficiency, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public func insert(_ session: KTSessionRecord) async throws -> KTSessionRecord {
        try await write("""
            insert into kt_sessions (tenant_id, id, transition_id, topic, process_area, expert, attendees, held_on, status,
                                     proficiency, created_at, updated_at)
            values (\(tenantID), \(session.id), \(session.transitionID), \(session.topic), \(session.processArea),
                    \(session.expert), \(session.attendees), \(session.date), \(session.status.rawValue),
                    \(session.proficiency), \(session.createdAt), \(session.updatedAt))
            returning \(unescaped: Self.columns)
            """, session)
    }

    /// Every session's process area, status and score (coverage).
    public func outcomes(of transition: UUID) async throws -> [(processArea: String, status: KTSessionStatus, proficiency: Int?)] {
        var outcomes: [(processArea: String, status: KTSessionStatus, proficiency: Int?)] = []
        let rows = try await scope.query("""
            select process_area, status, proficiency from kt_sessions where tenant_id = \(tenantID) and transition_id = \(transition)
            """)
        for try await (area, status, proficiency) in rows.decode((String, String, Int?).self) {
            guard let status = KTSessionStatus(rawValue: status) else { throw Self.corrupt(transition) }
            outcomes.append((area, status, proficiency))
        }
        return outcomes
    }

    public func update(_ session: KTSessionRecord, at now: Date) async throws -> KTSessionRecord {
        try await write("""
            update kt_sessions set topic = \(session.topic), process_area = \(session.processArea), expert = \(session.expert),
                attendees = \(session.attendees), held_on = \(session.date), status = \(session.status.rawValue),
                proficiency = \(session.proficiency), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(session.id)
            returning \(unescaped: Self.columns)
            """, session)
    }
}
