import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored transition.
public struct TransitionRecord: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var type: TransitionType
    public var scope: String
    public var fromParty: String
    public var toParty: String
    public var plannedGoLive: CalendarDate
    public var contractID: UUID?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, type: TransitionType, scope: String, fromParty: String, toParty: String,
                plannedGoLive: CalendarDate, contractID: UUID?, version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.type = type
        self.scope = scope
        self.fromParty = fromParty
        self.toParty = toParty
        self.plannedGoLive = plannedGoLive
        self.contractID = contractID
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A stored stage with its latest gate decision.
public struct StageRecord: Sendable, Equatable {
    public var id: UUID
    public var transitionID: UUID
    public var key: TransitionStageKey
    public var name: String
    public var position: Int
    public var plannedStart: CalendarDate
    public var plannedEnd: CalendarDate
    public var gateDecision: GateDecision?
    public var gateDecidedAt: Date?
    public var gateDecidedBy: UUID?
    public var gateNotes: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// SQL for `transitions` and `transition_stages`, inside a transaction whose tenant is set.
public struct TransitionStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        id, name, type, scope, from_party, to_party, to_char(planned_go_live, 'YYYY-MM-DD'), contract_id, version, created_at,
        updated_at
        """
    static let stageColumns = """
        id, transition_id, key, name, position, to_char(planned_start, 'YYYY-MM-DD'), to_char(planned_end, 'YYYY-MM-DD'),
        gate_decision, gate_decided_at, gate_decided_by, gate_notes, version, created_at, updated_at
        """

    /// Inserts the transition with the template's stages and criteria (ids from `newID`).
    public func insert(_ transition: TransitionRecord, stages: [StageDraft], newID: () -> UUID) async throws -> TransitionRecord {
        let record = try await write(transition, """
            insert into transitions (tenant_id, id, name, type, scope, from_party, to_party, planned_go_live, contract_id,
                                     created_at, updated_at)
            values (\(tenantID), \(transition.id), \(transition.name), \(transition.type.rawValue), \(transition.scope),
                    \(transition.fromParty), \(transition.toParty), \(transition.plannedGoLive.description)::date,
                    \(transition.contractID), \(transition.createdAt), \(transition.updatedAt))
            returning \(unescaped: Self.columns)
            """)
        let stageIDs = stages.map { _ in newID() }
        try await connection.query("""
            insert into transition_stages (tenant_id, id, transition_id, key, name, position, planned_start, planned_end,
                                           created_at, updated_at)
            select \(tenantID), s.id, \(transition.id), s.key, s.name, s.position, s.planned_start, s.planned_end,
                   \(transition.createdAt), \(transition.createdAt)
            from unnest(\(stageIDs)::uuid[], \(stages.map(\.key.rawValue))::text[], \(stages.map(\.name))::text[],
                        \(Array(stages.indices))::int[], \(stages.map(\.plannedStart.description))::date[],
                        \(stages.map(\.plannedEnd.description))::date[])
                 as s (id, key, name, position, planned_start, planned_end)
            """, logger: logger)
        let criteria = zip(stageIDs, stages).flatMap { id, stage in stage.criteria.map { (id, $0.title, $0.mandatory) } }
        try await connection.query("""
            insert into readiness_criteria (tenant_id, id, transition_id, stage_id, title, mandatory, created_at, updated_at)
            select \(tenantID), c.id, \(transition.id), c.stage_id, c.title, c.mandatory, \(transition.createdAt),
                   \(transition.createdAt)
            from unnest(\(criteria.map { _ in newID() })::uuid[], \(criteria.map(\.0))::uuid[], \(criteria.map(\.1))::text[],
                        \(criteria.map(\.2))::bool[]) as c (id, stage_id, title, mandatory)
            """, logger: logger)
        return record
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> TransitionRecord? {
        try await all("""
            select \(unescaped: Self.columns) from transitions where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """).first
    }

    public func list(after: UUID?, limit: Int) async throws -> [TransitionRecord] {
        try await all("""
            select \(unescaped: Self.columns) from transitions
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest) order by id limit \(limit)
            """)
    }

    public func update(_ transition: TransitionRecord, at now: Date) async throws -> TransitionRecord {
        try await write(transition, """
            update transitions set name = \(transition.name), type = \(transition.type.rawValue), scope = \(transition.scope),
                from_party = \(transition.fromParty), to_party = \(transition.toParty),
                planned_go_live = \(transition.plannedGoLive.description)::date, contract_id = \(transition.contractID),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(transition.id)
            returning \(unescaped: Self.columns)
            """)
    }

    /// Deletes the transition with its stages and criteria.
    public func delete(_ id: UUID) async throws {
        try await connection.query("delete from transitions where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    /// The transition's stages in order.
    public func stages(of transition: UUID) async throws -> [StageRecord] {
        try await stages("""
            select \(unescaped: Self.stageColumns) from transition_stages
            where tenant_id = \(tenantID) and transition_id = \(transition) order by position
            """)
    }

    /// The stages of each of `transitions`, in order (a page of transitions in one statement).
    public func stages(of transitions: [UUID]) async throws -> [UUID: [StageRecord]] {
        Dictionary(grouping: try await stages("""
            select \(unescaped: Self.stageColumns) from transition_stages
            where tenant_id = \(tenantID) and transition_id = any(\(transitions)) order by transition_id, position
            """), by: \.transitionID)
    }

    public func stage(_ id: UUID, of transition: UUID, lock: Bool = false) async throws -> StageRecord? {
        try await stages("""
            select \(unescaped: Self.stageColumns) from transition_stages
            where tenant_id = \(tenantID) and transition_id = \(transition) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """).first
    }

    public func updateStage(_ stage: StageRecord, at now: Date) async throws -> StageRecord {
        let updated = try await stages("""
            update transition_stages set name = \(stage.name), planned_start = \(stage.plannedStart.description)::date,
                planned_end = \(stage.plannedEnd.description)::date, gate_decision = \(stage.gateDecision?.rawValue),
                gate_decided_at = \(stage.gateDecidedAt), gate_decided_by = \(stage.gateDecidedBy), gate_notes = \(stage.gateNotes),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(stage.id)
            returning \(unescaped: Self.stageColumns)
            """)
        guard let first = updated.first else { throw CorruptRow(table: "transition_stages", id: stage.id) }
        return first
    }

    private func write(_ transition: TransitionRecord, _ query: PostgresQuery) async throws -> TransitionRecord {
        do {
            guard let record = try await all(query).first else { throw CorruptRow(table: "transitions", id: transition.id) }
            return record
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "transition", name: transition.name)
        } catch let error as PSQLError where error.sqlState == SQLState.foreignKeyViolation {
            throw UnknownParent(kind: "contract", field: "contractId", id: transition.contractID)
        }
    }

    private func all(_ query: PostgresQuery) async throws -> [TransitionRecord] {
        var records: [TransitionRecord] = []
        for try await (id, name, type, scope, from, to, goLive, contract, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, String, String, String, String, String, String, UUID?, Int64, Date, Date).self) {
            guard let type = TransitionType(rawValue: type), let goLive = CalendarDate(goLive) else {
                throw CorruptRow(table: "transitions", id: id)
            }
            records.append(TransitionRecord(id: id, name: name, type: type, scope: scope, fromParty: from, toParty: to,
                                            plannedGoLive: goLive, contractID: contract, version: version, createdAt: createdAt,
                                            updatedAt: updatedAt))
        }
        return records
    }

    private func stages(_ query: PostgresQuery) async throws -> [StageRecord] {
        var records: [StageRecord] = []
        let rows = try await connection.query(query, logger: logger)
        for try await row in rows {
            let (id, transition, key, name, position, start, end, decision, decidedAt, decidedBy, notes, version, createdAt, updatedAt)
                = try row.decode((UUID, UUID, String, String, Int, String, String, String?, Date?, UUID?, String?, Int64, Date, Date).self)
            guard let key = TransitionStageKey(rawValue: key), let start = CalendarDate(start), let end = CalendarDate(end) else {
                throw CorruptRow(table: "transition_stages", id: id)
            }
            records.append(StageRecord(id: id, transitionID: transition, key: key, name: name, position: position,
                                       plannedStart: start, plannedEnd: end, gateDecision: decision.flatMap(GateDecision.init(rawValue:)),
                                       gateDecidedAt: decidedAt, gateDecidedBy: decidedBy, gateNotes: notes, version: version,
                                       createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
