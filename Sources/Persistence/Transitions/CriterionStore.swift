import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored readiness criterion of a stage's exit gate.
public struct CriterionRecord: Sendable, Equatable {
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

/// SQL for `readiness_criteria`, inside a transaction whose tenant is set.
public struct CriterionStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        id, transition_id, stage_id, title, mandatory, evidence_url, signed_off_by, signed_off_at, version, created_at, updated_at
        """

    public func insert(_ criterion: CriterionRecord) async throws -> CriterionRecord {
        try await one("""
            insert into readiness_criteria (tenant_id, id, transition_id, stage_id, title, mandatory, evidence_url, created_at,
                                            updated_at)
            values (\(tenantID), \(criterion.id), \(criterion.transitionID), \(criterion.stageID), \(criterion.title),
                    \(criterion.mandatory), \(criterion.evidenceURL), \(criterion.createdAt), \(criterion.updatedAt))
            returning \(unescaped: Self.columns)
            """, id: criterion.id)
    }

    public func find(_ id: UUID, stage: UUID, lock: Bool = false) async throws -> CriterionRecord? {
        try await all("""
            select \(unescaped: Self.columns) from readiness_criteria
            where tenant_id = \(tenantID) and stage_id = \(stage) and id = \(id) \(unescaped: lock ? "for update" : "")
            """).first
    }

    /// The stage's criteria, oldest first, after the criterion `after` (a page's cursor).
    public func list(stage: UUID, after: UUID?, limit: Int) async throws -> [CriterionRecord] {
        try await all("""
            select \(unescaped: Self.columns) from readiness_criteria
            where tenant_id = \(tenantID) and stage_id = \(stage) and id > \(after ?? UUIDv7.lowest) order by id limit \(limit)
            """)
    }

    /// Every criterion of the transition (readiness).
    public func all(of transition: UUID) async throws -> [CriterionRecord] {
        try await all("""
            select \(unescaped: Self.columns) from readiness_criteria
            where tenant_id = \(tenantID) and transition_id = \(transition) order by id
            """)
    }

    public func update(_ criterion: CriterionRecord, at now: Date) async throws -> CriterionRecord {
        try await one("""
            update readiness_criteria set title = \(criterion.title), mandatory = \(criterion.mandatory),
                evidence_url = \(criterion.evidenceURL), signed_off_by = \(criterion.signedOffBy),
                signed_off_at = \(criterion.signedOffAt), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(criterion.id)
            returning \(unescaped: Self.columns)
            """, id: criterion.id)
    }

    public func delete(_ id: UUID) async throws {
        try await connection.query("delete from readiness_criteria where tenant_id = \(tenantID) and id = \(id)", logger: logger)
    }

    private func one(_ query: PostgresQuery, id: UUID) async throws -> CriterionRecord {
        guard let record = try await all(query).first else { throw CorruptRow(table: "readiness_criteria", id: id) }
        return record
    }

    private func all(_ query: PostgresQuery) async throws -> [CriterionRecord] {
        var records: [CriterionRecord] = []
        for try await (id, transition, stage, title, mandatory, evidence, signedBy, signedAt, version, createdAt, updatedAt)
            in try await connection.query(query, logger: logger)
            .decode((UUID, UUID, UUID, String, Bool, String?, UUID?, Date?, Int64, Date, Date).self) {
            records.append(CriterionRecord(id: id, transitionID: transition, stageID: stage, title: title, mandatory: mandatory,
                                           evidenceURL: evidence, signedOffBy: signedBy, signedOffAt: signedAt, version: version,
                                           createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
