public import Domain
public import Foundation
public import PostgresNIO

/// A stored readiness criterion of a stage's exit gate.
public struct CriterionRecord: VersionedRow, Equatable {
    public var id: UUID
    public var transitionID: UUID
    public var stageID: UUID
    public var title: String
    public var mandatory: Bool
    public var evidenceURL: String?
    public var signedOffBy: UUID?
    public var signedOffAt: Date?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, transitionID: UUID, stageID: UUID, title: String, mandatory: Bool, evidenceURL: String?,
                signedOffBy: UUID? = nil, signedOffAt: Date? = nil, version: Int64 = 1, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.transitionID = transitionID
        self.stageID = stageID
        self.title = title
        self.mandatory = mandatory
        self.evidenceURL = evidenceURL
        self.signedOffBy = signedOffBy
        self.signedOffAt = signedOffAt
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var state: CriterionState { CriterionState(id: id, title: title, mandatory: mandatory, signedOff: signedOffAt != nil) }
}

/// `readiness_criteria`: what a stage's exit gate needs signed off. Bound to a stage, the common
/// statements see its criteria only; bound to a stage the caller found (`stage`), the store also
/// holds it, for the rules its gate sets.
public struct CriterionStore: UpdatableTable {
    public let scope: TenantScope
    public let stageID: UUID?
    /// The stage as the caller found it.
    public let stage: StageRecord?

    public init(_ scope: TenantScope) {
        self.scope = scope
        stageID = nil
        stage = nil
    }

    public init(_ scope: TenantScope, stage: UUID) {
        self.scope = scope
        stageID = stage
        self.stage = nil
    }

    public init(_ scope: TenantScope, stage: StageRecord) {
        self.scope = scope
        stageID = stage.id
        self.stage = stage
    }

    public var parent: (column: String, id: UUID)? { stageID.map { ("stage_id", $0) } }

    public static let table = "readiness_criteria"
    public static let columns = """
        id, transition_id, stage_id, title, mandatory, evidence_url, signed_off_by, signed_off_at, version, created_at, updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> CriterionRecord {
        let (id, transition, stage, title, mandatory, evidence, signedBy, signedAt, version, createdAt, updatedAt) = try row.decode(
            (UUID, UUID, UUID, String, Bool, String?, UUID?, Date?, Int64, Date, Date).self)
        return CriterionRecord(id: id, transitionID: transition, stageID: stage, title: title, mandatory: mandatory,
                               evidenceURL: evidence, signedOffBy: signedBy, signedOffAt: signedAt, version: version,
                               createdAt: createdAt, updatedAt: updatedAt)
    }

    public func insert(_ criterion: CriterionRecord) async throws -> CriterionRecord {
        try await write("""
            insert into readiness_criteria (tenant_id, id, transition_id, stage_id, title, mandatory, evidence_url, created_at,
                                            updated_at)
            values (\(tenantID), \(criterion.id), \(criterion.transitionID), \(criterion.stageID), \(criterion.title),
                    \(criterion.mandatory), \(criterion.evidenceURL), \(criterion.createdAt), \(criterion.updatedAt))
            returning \(unescaped: Self.columns)
            """, criterion)
    }

    /// Every criterion of the transition (readiness).
    public func all(of transition: UUID) async throws -> [CriterionRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from readiness_criteria
            where tenant_id = \(tenantID) and transition_id = \(transition) order by id
            """)
    }

    public func update(_ criterion: CriterionRecord, at now: Date) async throws -> CriterionRecord {
        try await write("""
            update readiness_criteria set title = \(criterion.title), mandatory = \(criterion.mandatory),
                evidence_url = \(criterion.evidenceURL), signed_off_by = \(criterion.signedOffBy),
                signed_off_at = \(criterion.signedOffAt), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(criterion.id)
            returning \(unescaped: Self.columns)
            """, criterion)
    }
}
