public import Domain
public import Foundation
public import Logging
public import Persistence
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
public enum AssignmentOutcome: Sendable {
    case done, unchanged, notAdmin, notAccountManager
}

/// Tenants as operators read and change them. Reads go through SECURITY DEFINER functions that
/// answer only for the tenants the operator looks after (every tenant for a platform admin); writes
/// run as the server's role in the tenant's transaction, after `find` or `lock` has found the tenant
/// through those functions. On Citus one transaction's writes to the platform tables must all come
/// from one role (docs/ARCHITECTURE.md, "Citus-ready queries"), and the tenant's own rows (audit,
/// subscription) are written by the server's role.
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

    /// Creates a tenant in `provisioning`, in the transaction of `scope` (bound to the new id); an
    /// account manager who creates one looks after it from then on. `DuplicateTenantSlug` when the
    /// slug is taken. The subscription starts in the same transaction, by the caller.
    public func create(in scope: TenantScope, slug: String, name: String, at now: Date) async throws -> PlatformTenantRecord {
        let created: PlatformTenantRecord?
        do {
            created = try await Self.decode(scope.query("""
                insert into tenants (id, slug, name, status, status_changed_at, created_at, updated_at)
                values (\(scope.tenantID), \(slug), \(name), 'provisioning', \(now), \(now), \(now))
                returning \(unescaped: Self.columns)
                """)).first
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateTenantSlug(slug: slug)
        }
        guard let created else { throw CorruptRow(table: "tenants", id: scope.tenantID.uuid) }
        if principal.role == .accountManager {
            try await scope.query("""
                insert into operator_assignments (operator_id, tenant_id) values (\(principal.operatorID), \(scope.tenantID))
                """)
        }
        return created
    }

    /// The tenant of `scope`, locked until the transaction ends, if the operator looks after it.
    /// `for no key update`: the tenant's own rows point at it, and their foreign-key checks must not
    /// wait for the lock.
    public func lock(in scope: TenantScope) async throws -> PlatformTenantRecord? {
        guard try await find(scope.tenantID.uuid) != nil else { return nil }
        return try await Self.decode(scope.query("""
            select \(unescaped: Self.columns) from tenants where id = \(scope.tenantID) for no key update
            """)).first
    }

    /// Renames the tenant of `scope` (`name`) or moves its status with a reason; nil arguments keep
    /// what is there. The caller found the tenant through `find` or `lock` first.
    public func update(in scope: TenantScope, name: String?, status: TenantStatus?, reason: String?, at now: Date) async throws
        -> PlatformTenantRecord {
        // The time is bound, not `now()`: Citus refuses a non-immutable function inside CASE.
        let updated = try await Self.decode(scope.query("""
            update tenants
            set name = coalesce(\(name), name), status = coalesce(\(status?.rawValue), status),
                status_reason = case when \(status?.rawValue)::text is null then status_reason else \(reason) end,
                status_changed_at = case when \(status?.rawValue)::text is null then status_changed_at else \(now) end,
                updated_at = \(now)
            where id = \(scope.tenantID)
            returning \(unescaped: Self.columns)
            """)).first
        guard let updated else { throw CorruptRow(table: "tenants", id: scope.tenantID.uuid) }
        return updated
    }

    /// Assigns an account manager to the tenant of `scope` (`assign`) or takes them off it; platform
    /// admins only.
    public func assign(_ accountManager: UUID, in scope: TenantScope, _ assign: Bool) async throws -> AssignmentOutcome {
        guard principal.role == .platformAdmin else { return .notAdmin }
        var changed = false
        if assign {
            let role = try await scope.query("select role from operators where id = \(accountManager)")
            var isAccountManager = false
            for try await role in role.decode(String.self) { isAccountManager = role == OperatorRole.accountManager.rawValue }
            guard isAccountManager else { return .notAccountManager }
            for try await _ in try await scope.query("""
                insert into operator_assignments (operator_id, tenant_id) values (\(accountManager), \(scope.tenantID))
                on conflict do nothing returning operator_id
                """) { changed = true }
        } else {
            for try await _ in try await scope.query("""
                delete from operator_assignments where tenant_id = \(scope.tenantID) and operator_id = \(accountManager)
                returning operator_id
                """) { changed = true }
        }
        return changed ? .done : .unchanged
    }

    /// The tenant of `scope` with its plan on `today` and its account managers, read as the server's
    /// role in the tenant's transaction: after a platform write, where the owner's functions may not
    /// read what this role wrote (Citus keeps one role's writes on its own connections).
    public func completed(_ record: PlatformTenantRecord, in scope: TenantScope, today: CalendarDate) async throws
        -> PlatformTenantRecord {
        var record = record
        record.plan = try await SubscriptionStore(scope).inForce(on: today)?.plan.code ?? ""
        let managers = try await scope.query("""
            select a.operator_id, o.email from operator_assignments a join operators o on o.id = a.operator_id
            where a.tenant_id = \(scope.tenantID) order by o.email
            """)
        record.accountManagers = []
        for try await (id, email) in managers.decode((UUID, String).self) {
            record.accountManagers.append(AccountManagerRecord(id: id, email: email))
        }
        return record
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
