public import Domain
public import Foundation
public import PostgresNIO

/// A stored transition.
public struct TransitionRecord: VersionedRow, Equatable {
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

/// `transitions`: moving a service between providers, through the template's stages (`StageStore`).
/// Deleting one deletes its stages, criteria, KT sessions and hypercare metrics with it.
public struct TransitionStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "transitions"
    public static let columns = """
        id, name, type, scope, from_party, to_party, planned_go_live, contract_id, version, created_at,
        updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> TransitionRecord {
        let (id, name, type, scope, from, to, goLive, contract, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, String, String, String, String, CalendarDate, UUID?, Int64, Date, Date).self)
        guard let type = TransitionType(rawValue: type) else { throw corrupt(id) }
        return TransitionRecord(id: id, name: name, type: type, scope: scope, fromParty: from, toParty: to,
                                plannedGoLive: goLive, contractID: contract, version: version,
                                createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: TransitionRecord) -> (any Error)? {
        switch violation.kind {
        case .unique: DuplicateName(kind: "transition", name: row.name)
        case .foreignKey: UnknownParent(kind: "contract", field: "contractId", id: row.contractID)
        default: nil
        }
    }

    /// Inserts the transition with the template's stages and criteria (ids from `newID`).
    public func insert(_ transition: TransitionRecord, stages: [StageDraft], newID: () -> UUID) async throws -> TransitionRecord {
        let record = try await write("""
            insert into transitions (tenant_id, id, name, type, scope, from_party, to_party, planned_go_live, contract_id,
                                     created_at, updated_at)
            values (\(tenantID), \(transition.id), \(transition.name), \(transition.type.rawValue), \(transition.scope),
                    \(transition.fromParty), \(transition.toParty), \(transition.plannedGoLive),
                    \(transition.contractID), \(transition.createdAt), \(transition.updatedAt))
            returning \(unescaped: Self.columns)
            """, transition)
        let stageIDs = stages.map { _ in newID() }
        var stageRows = MultiRowInsert(into: "transition_stages", columns: [
            "tenant_id", "id", "transition_id", "key", "name", "position", "planned_start", "planned_end",
            "created_at", "updated_at"])
        let tenant = try stageRows.shared(tenantID)
        let transitionID = try stageRows.shared(transition.id)
        let createdAt = try stageRows.shared(transition.createdAt)
        for (position, (id, stage)) in zip(stageIDs, stages).enumerated() {
            try stageRows.row { row in
                row.cite(tenant); try row.bind(id); row.cite(transitionID); try row.bind(stage.key.rawValue)
                try row.bind(stage.name); try row.bind(position); try row.bind(stage.plannedStart)
                try row.bind(stage.plannedEnd); row.cite(createdAt); row.cite(createdAt)
            }
        }
        if !stageRows.isEmpty { try await scope.query(stageRows.query()) }
        var criterionRows = MultiRowInsert(into: "readiness_criteria", columns: [
            "tenant_id", "id", "transition_id", "stage_id", "title", "mandatory", "created_at", "updated_at"])
        let criterionTenant = try criterionRows.shared(tenantID)
        let criterionTransition = try criterionRows.shared(transition.id)
        let criterionCreatedAt = try criterionRows.shared(transition.createdAt)
        for (stageID, stage) in zip(stageIDs, stages) {
            for criterion in stage.criteria {
                try criterionRows.row { row in
                    row.cite(criterionTenant); try row.bind(newID()); row.cite(criterionTransition); try row.bind(stageID)
                    try row.bind(criterion.title); try row.bind(criterion.mandatory)
                    row.cite(criterionCreatedAt); row.cite(criterionCreatedAt)
                }
            }
        }
        if !criterionRows.isEmpty { try await scope.query(criterionRows.query()) }
        return record
    }

    public func update(_ transition: TransitionRecord, at now: Date) async throws -> TransitionRecord {
        try await write("""
            update transitions set name = \(transition.name), type = \(transition.type.rawValue), scope = \(transition.scope),
                from_party = \(transition.fromParty), to_party = \(transition.toParty),
                planned_go_live = \(transition.plannedGoLive), contract_id = \(transition.contractID),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(transition.id)
            returning \(unescaped: Self.columns)
            """, transition)
    }
}
