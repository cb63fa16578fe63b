public import Domain
public import Foundation
public import PostgresNIO

/// A stored stage with its latest gate decision.
public struct StageRecord: VersionedRow, Equatable {
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

/// `transition_stages`: a transition's stages, made from the template with it (`TransitionStore.insert`),
/// each with the exit gate its readiness criteria hold. Bound to a transition (`transition`), the
/// common statements see its stages only.
public struct StageStore: UpdatableTable {
    public let scope: TenantScope
    public let transition: UUID?
    public init(_ scope: TenantScope) { self.init(scope, transition: nil) }
    public init(_ scope: TenantScope, transition: UUID?) {
        self.scope = scope
        self.transition = transition
    }

    public var parent: (column: String, id: UUID)? { transition.map { ("transition_id", $0) } }

    public static let table = "transition_stages"
    public static let columns = """
        id, transition_id, key, name, position, planned_start, planned_end,
        gate_decision, gate_decided_at, gate_decided_by, gate_notes, version, created_at, updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> StageRecord {
        let (id, transition, key, name, position, start, end, decision, decidedAt, decidedBy, notes, version, createdAt, updatedAt)
            = try row.decode((UUID, UUID, String, String, Int, CalendarDate, CalendarDate, String?, Date?, UUID?, String?, Int64, Date, Date).self)
        guard let key = TransitionStageKey(rawValue: key) else { throw corrupt(id) }
        let gate = try decision.map { text in
            guard let decision = GateDecision(rawValue: text) else { throw corrupt(id) }
            return decision
        }
        return StageRecord(id: id, transitionID: transition, key: key, name: name, position: position,
                           plannedStart: start, plannedEnd: end,
                           gateDecision: gate, gateDecidedAt: decidedAt, gateDecidedBy: decidedBy, gateNotes: notes,
                           version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// The transition's stages in order.
    public func all(of transition: UUID) async throws -> [StageRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from transition_stages
            where tenant_id = \(tenantID) and transition_id = \(transition) order by position
            """)
    }

    /// The stages of each of `transitions`, in order (a page of transitions in one statement).
    public func all(of transitions: [UUID]) async throws -> [UUID: [StageRecord]] {
        Dictionary(grouping: try await rows("""
            select \(unescaped: Self.columns) from transition_stages
            where tenant_id = \(tenantID) and transition_id = any(\(transitions)) order by transition_id, position
            """), by: \.transitionID)
    }

    /// Writes the stage's plan and its gate decision.
    public func update(_ stage: StageRecord, at now: Date) async throws -> StageRecord {
        try await write("""
            update transition_stages set name = \(stage.name), planned_start = \(stage.plannedStart),
                planned_end = \(stage.plannedEnd), gate_decision = \(stage.gateDecision?.rawValue),
                gate_decided_at = \(stage.gateDecidedAt), gate_decided_by = \(stage.gateDecidedBy), gate_notes = \(stage.gateNotes),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(stage.id)
            returning \(unescaped: Self.columns)
            """, stage)
    }
}
