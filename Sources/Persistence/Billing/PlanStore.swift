public import Domain
public import Foundation
public import Logging
public import PostgresNIO

/// One version of a plan, as stored.
public struct PlanVersion: Sendable, Equatable {
    public let id: UUID
    public let version: Int
    public let terms: PlanTerms
    public let createdAt: Date
    public let archivedAt: Date?

    public var code: String { terms.code }
}

/// No plan has this code (or no version of it is open to new subscriptions).
public struct UnknownPlan: Error, Equatable {
    public let code: String
    public let version: Int?

    public init(code: String, version: Int? = nil) {
        self.code = code
        self.version = version
    }
}

/// The plan is archived: it stays on the subscriptions that have it, but none may start on it.
public struct ArchivedPlan: Error, Equatable { public let code: String }

/// A plan version was added by someone else between reading the latest and adding the next.
public struct ConcurrentPlanEdit: Error, Equatable { public let code: String }

/// `plans`: the platform's catalogue, read and written by platform admins (the admin CLI with the
/// owner role, the platform API with the app role); every statement is over the whole catalogue,
/// which is a reference table on Citus.
public struct PlanStore: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    static let columns = """
        id, code, version, name, currency, base_fee, requests_per_second, burst, metrics::text, created_at, archived_at
        """

    /// What defining a plan did.
    public enum Outcome: Sendable, Equatable {
        case created(PlanVersion)
        /// The latest version already has these terms.
        case unchanged(PlanVersion)

        public var plan: PlanVersion {
            switch self {
            case .created(let plan), .unchanged(let plan): plan
            }
        }
    }

    /// Stores `terms` as version 1 of a new code, or as the next version of an existing one; the same
    /// terms as the latest version change nothing. Terms are checked first (`PlanTerms.check`).
    /// An archived code gets no new version.
    public func define(_ terms: PlanTerms, id: UUID, requireNew: Bool = false) async throws -> Outcome {
        try terms.check()
        let latest = try await self.latest(code: terms.code, includeArchived: true)
        if let latest {
            if requireNew { throw DuplicateName(kind: "plan", name: terms.code, field: "code") }
            if latest.archivedAt != nil { throw ArchivedPlan(code: terms.code) }
            if latest.terms == terms { return .unchanged(latest) }
        }
        do {
            let rows = try await connection.query("""
                insert into plans (id, code, version, name, currency, base_fee, requests_per_second, burst, metrics)
                values (\(id), \(terms.code), \((latest?.version ?? 0) + 1), \(terms.name), \(terms.currency),
                        \(terms.baseFee), \(terms.rateLimit.requestsPerSecond), \(terms.rateLimit.burst),
                        \(PlanMetricsJSON.encode(terms.metrics))::jsonb)
                returning \(unescaped: Self.columns)
                """, logger: logger)
            guard let created = try await Self.decode(rows).first else { throw ConcurrentPlanEdit(code: terms.code) }
            return .created(created)
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw ConcurrentPlanEdit(code: terms.code)
        }
    }

    /// Every version, by code then version; archived plans only when asked for.
    public func list(includeArchived: Bool = false) async throws -> [PlanVersion] {
        try await Self.decode(connection.query("""
            select \(unescaped: Self.columns) from plans
            where \(includeArchived) or archived_at is null
            order by code, version
            """, logger: logger))
    }

    /// One page of versions in id order (creation order) after the cursor.
    public func page(after cursor: UUID?, limit: Int, includeArchived: Bool) async throws -> [PlanVersion] {
        try await Self.decode(connection.query("""
            select \(unescaped: Self.columns) from plans
            where (\(includeArchived) or archived_at is null) and (\(cursor)::uuid is null or id > \(cursor))
            order by id limit \(Int64(limit))
            """, logger: logger))
    }

    /// The newest version of `code`, or nil.
    public func latest(code: String, includeArchived: Bool = false) async throws -> PlanVersion? {
        try await Self.decode(connection.query("""
            select \(unescaped: Self.columns) from plans
            where code = \(code) and (\(includeArchived) or archived_at is null)
            order by version desc limit 1
            """, logger: logger)).first
    }

    /// `version` of `code`, or its newest version; archived ones included.
    public func find(code: String, version: Int? = nil) async throws -> PlanVersion? {
        guard let version else { return try await latest(code: code, includeArchived: true) }
        return try await Self.decode(connection.query("""
            select \(unescaped: Self.columns) from plans where code = \(code) and version = \(version)
            """, logger: logger)).first
    }

    /// The version a subscription may start on: `version` of `code`, or its newest, never archived.
    public func subscribable(code: String, version: Int? = nil) async throws -> PlanVersion {
        guard let found = try await find(code: code, version: version) else { throw UnknownPlan(code: code, version: version) }
        guard found.archivedAt == nil else { throw ArchivedPlan(code: code) }
        return found
    }

    public func find(id: UUID) async throws -> PlanVersion? {
        try await Self.decode(connection.query("select \(unescaped: Self.columns) from plans where id = \(id)",
                                               logger: logger)).first
    }

    /// The versions with these ids (the plans subscriptions name).
    public func find(ids: [UUID]) async throws -> [UUID: PlanVersion] {
        guard !ids.isEmpty else { return [:] }
        let plans = try await Self.decode(connection.query(
            "select \(unescaped: Self.columns) from plans where id = any(\(ids))", logger: logger))
        return Dictionary(uniqueKeysWithValues: plans.map { ($0.id, $0) })
    }

    /// Archives every version of `code` (again: no change); returns its versions.
    @discardableResult
    public func archive(code: String, at now: Date) async throws -> [PlanVersion] {
        let archived = try await Self.decode(connection.query("""
            update plans set archived_at = coalesce(archived_at, \(now)) where code = \(code)
            returning \(unescaped: Self.columns)
            """, logger: logger))
        guard !archived.isEmpty else { throw UnknownPlan(code: code) }
        return archived.sorted { $0.version < $1.version }
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [PlanVersion] {
        var plans: [PlanVersion] = []
        for try await (id, code, version, name, currency, baseFee, rate, burst, metrics, createdAt, archivedAt) in rows.decode(
            (UUID, String, Int32, String, String, Int64, Int32, Int32, String, Date, Date?).self) {
            guard let metrics = PlanMetricsJSON.decode(metrics) else { throw CorruptRow(table: "plans", id: id) }
            let terms = PlanTerms(code: code, name: name, currency: currency, baseFee: baseFee, metrics: metrics,
                                  rateLimit: RateLimitPolicy(requestsPerSecond: Int(rate), burst: Int(burst)))
            plans.append(PlanVersion(id: id, version: Int(version), terms: terms, createdAt: createdAt, archivedAt: archivedAt))
        }
        return plans
    }
}
