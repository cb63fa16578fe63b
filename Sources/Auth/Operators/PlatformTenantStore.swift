public import Domain
public import Foundation
public import Logging
import Persistence
public import PostgresNIO

/// A tenant as the platform API shows it.
public struct PlatformTenantRecord: Sendable, Equatable {
    public let id: UUID
    public let slug: String
    public let name: String
    /// The code of the plan it is on today; empty before its first subscription starts.
    public var plan: String
    public let status: TenantStatus
    /// Why the status last changed, when the operator said.
    public let statusReason: String?
    public let statusChangedAt: Date?
    /// The account managers who look after it, by e-mail.
    public var accountManagers: [AccountManagerRecord]
    public let createdAt: Date
    public let updatedAt: Date
}

public struct AccountManagerRecord: Sendable, Equatable {
    public let id: UUID
    public let email: String
}

/// What assigning or unassigning an account manager came to.
public enum AssignmentOutcome: String, Sendable {
    case done, unchanged
    case notAdmin = "not-admin"
    case noTenant = "no-tenant"
    case notAccountManager = "not-account-manager"
}

/// Tenants as operators read and change them, through SECURITY DEFINER functions that answer only
/// for the tenants the operator looks after (every tenant for a platform admin). Nothing here reads
/// tenant data: the tenant's own tables are written in its transaction by the tenant stores.
public struct PlatformTenantStore: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    let principal: OperatorPrincipal

    public init(connection: PostgresConnection, logger: Logger, principal: OperatorPrincipal) {
        self.connection = connection
        self.logger = logger
        self.principal = principal
    }

    static let columns = "id, slug, name, status, status_reason, status_changed_at, created_at, updated_at"

    /// A page after `after`, or the one tenant with `id`; each with its plan on `today`.
    public func tenants(id: UUID? = nil, after: UUID? = nil, limit: Int, today: CalendarDate) async throws
        -> [PlatformTenantRecord] {
        try await completed(connection.query("""
            select \(unescaped: Self.columns)
            from pmo.operator_tenants(\(principal.operatorID), \(id), \(after), \(Int64(limit)))
            """, logger: logger), today: today)
    }

    /// The tenant if the operator looks after it, without plan and account managers (one statement).
    public func find(_ id: UUID) async throws -> PlatformTenantRecord? {
        try await Self.decode(connection.query("""
            select \(unescaped: Self.columns) from pmo.operator_tenants(\(principal.operatorID), \(id), null, 1)
            """, logger: logger)).first
    }

    /// Creates a tenant in `provisioning` (nil when the operator may not); `DuplicateTenantSlug`.
    /// Its subscription starts in the same transaction, by the caller.
    public func create(id: TenantID, slug: String, name: String) async throws -> PlatformTenantRecord? {
        do {
            return try await Self.decode(connection.query("""
                select \(unescaped: Self.columns)
                from pmo.platform_create_tenant(\(principal.operatorID), \(id), \(slug), \(name))
                """, logger: logger)).first
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateTenantSlug(slug: slug)
        }
    }

    /// The tenant, locked until the transaction ends; nil when not one the operator looks after.
    public func lock(_ id: UUID) async throws -> PlatformTenantRecord? {
        try await Self.decode(connection.query("""
            select \(unescaped: Self.columns) from pmo.platform_lock_tenant(\(principal.operatorID), \(id))
            """, logger: logger)).first
    }

    /// Renames it (`name`) or moves its status with a reason; nil arguments keep what is there.
    public func update(_ id: UUID, name: String?, status: TenantStatus?, reason: String?) async throws
        -> PlatformTenantRecord? {
        try await Self.decode(connection.query("""
            select \(unescaped: Self.columns)
            from pmo.platform_update_tenant(\(principal.operatorID), \(id), \(name), \(status?.rawValue), \(reason))
            """, logger: logger)).first
    }

    public func assign(_ accountManager: UUID, to tenant: UUID, _ assign: Bool) async throws -> AssignmentOutcome {
        let rows = try await connection.query("""
            select pmo.platform_assign(\(principal.operatorID), \(tenant), \(accountManager), \(assign))
            """, logger: logger)
        for try await outcome in rows.decode(String.self) {
            if let outcome = AssignmentOutcome(rawValue: outcome) { return outcome }
        }
        throw CorruptRow(table: "operator_assignments", id: tenant)
    }

    /// Adds each tenant's plan on `today` and its account managers (two statements: on Citus the
    /// tenants are a reference table and subscriptions and assignments are distributed).
    public func completed(_ records: [PlatformTenantRecord], today: CalendarDate) async throws -> [PlatformTenantRecord] {
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.id)
        var plans: [UUID: String] = [:]
        let planRows = try await connection.query("""
            select tenant_id, code from pmo.operator_tenant_plans(\(principal.operatorID), \(ids), \(today))
            """, logger: logger)
        for try await (tenant, code) in planRows.decode((UUID, String).self) { plans[tenant] = code }
        var managers: [UUID: [AccountManagerRecord]] = [:]
        let managerRows = try await connection.query("""
            select tenant_id, operator_id, email from pmo.platform_tenant_managers(\(principal.operatorID), \(ids))
            """, logger: logger)
        for try await (tenant, id, email) in managerRows.decode((UUID, UUID, String).self) {
            managers[tenant, default: []].append(AccountManagerRecord(id: id, email: email))
        }
        return records.map { record in
            var record = record
            record.plan = plans[record.id] ?? ""
            record.accountManagers = managers[record.id] ?? []
            return record
        }
    }

    private func completed(_ rows: PostgresRowSequence, today: CalendarDate) async throws -> [PlatformTenantRecord] {
        try await completed(Self.decode(rows), today: today)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [PlatformTenantRecord] {
        var tenants: [PlatformTenantRecord] = []
        for try await (id, slug, name, status, reason, changedAt, createdAt, updatedAt)
            in rows.decode((UUID, String, String, String, String?, Date?, Date, Date).self) {
            guard let status = TenantStatus(rawValue: status) else { throw CorruptRow(table: "tenants", id: id) }
            tenants.append(PlatformTenantRecord(id: id, slug: slug, name: name, plan: "", status: status,
                                                statusReason: reason, statusChangedAt: changedAt, accountManagers: [],
                                                createdAt: createdAt, updatedAt: updatedAt))
        }
        return tenants
    }
}
