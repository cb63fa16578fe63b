public import Domain
public import Foundation
import Logging
public import PostgresNIO

/// A tenant as the platform (admin CLI, operators) sees it.
public struct TenantRecord: Sendable, Equatable {
    public var id: TenantID
    public var slug: String
    public var name: String
    /// The code of the plan the tenant is on today (empty before its first subscription starts).
    public var plan: String
    public var status: TenantStatus
    public var createdAt: Date

    public init(id: TenantID, slug: String, name: String, plan: String, status: TenantStatus, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.plan = plan
        self.status = status
        self.createdAt = createdAt
    }
}

public struct DuplicateTenantSlug: Error, Equatable {
    public let slug: String
    public init(slug: String) { self.slug = slug }
}
/// The tenant's status changed between reading it and changing it.
public struct TenantChangedMeanwhile: Error, Equatable {
    public let slug: String
}

public struct UnknownTenant: Error, Equatable {
    public let slug: String
    public init(slug: String) { self.slug = slug }
}

/// Platform-level SQL on `tenants`, run with the owner role (which bypasses row-level security).
public struct TenantStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A new active tenant on the newest version of plan `plan` from `today` (`UnknownPlan`,
    /// `ArchivedPlan` when it cannot start on it).
    public func create(id: TenantID, slug: String, name: String, plan: String, today: CalendarDate,
                       subscriptionID: UUID) async throws -> TenantRecord {
        try await database.transaction { connection in
            let version = try await PlanStore(connection: connection, logger: database.logger).subscribable(code: plan)
            let (created, scope) = try await Self.insert(id: id, slug: slug, name: name, status: .active, statusChangedAt: nil,
                                                         on: version, from: today, subscriptionID: subscriptionID,
                                                         connection: connection, logger: database.logger)
            try await AuditLog(scope).recordOperator("createTenant", resourceType: "tenant", resourceID: id.uuid,
                                                      changedFields: ["slug", "name", "plan", "status"])
            try await Self.auditOnPlatform("createTenant", tenant: id, changed: ["slug", "name", "plan", "status"],
                                           connection: connection, logger: database.logger)
            return created
        }
    }

    public func list(today: CalendarDate = CalendarDate(utcDate: Date())) async throws -> [TenantRecord] {
        try await database.transaction { connection in
            try await Self.read(connection.query(
                "select \(unescaped: Self.columns) from tenants order by slug", logger: database.logger),
                today: today, connection: connection, logger: database.logger)
        }
    }

    public func find(slug: String, today: CalendarDate = CalendarDate(utcDate: Date())) async throws -> TenantRecord {
        let found = try await database.transaction { connection in
            try await Self.find(slug: slug, today: today, lock: false, connection: connection, logger: database.logger)
        }
        guard let found else { throw UnknownTenant(slug: slug) }
        return found
    }

    /// Writes a new tenant's row and starts its subscription on `version` from `today`, in the
    /// caller's transaction (the admin CLI's create, a manifest, a data import); returns it with the
    /// scope bound to it. A taken slug is `DuplicateTenantSlug`.
    public static func insert(id: TenantID, slug: String, name: String, status: TenantStatus, statusChangedAt: Date?,
                              on version: PlanVersion, from today: CalendarDate, subscriptionID: UUID,
                              connection: PostgresConnection, logger: Logger) async throws -> (TenantRecord, TenantScope) {
        let created: TenantRecord?
        do {
            created = try await all(connection.query("""
                insert into tenants (id, slug, name, status, status_changed_at)
                values (\(id), \(slug), \(name), \(status.rawValue), \(statusChangedAt))
                returning \(unescaped: columns)
                """, logger: logger), plans: [id: version.code]).first
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateTenantSlug(slug: slug)
        }
        guard let created else { throw UnknownTenant(slug: slug) }
        try await connection.query("select pmo.set_tenant(\(id))", logger: logger)
        let scope = TenantScope(connection: connection, tenantID: id, logger: logger)
        try await SubscriptionStore(scope).start(on: version, from: today, id: subscriptionID)
        return (created, scope)
    }

    /// The tenant with `slug`, as `find`; `UnknownTenant` when there is none.
    public static func existing(slug: String, lock: Bool, connection: PostgresConnection,
                                logger: Logger) async throws -> TenantRecord {
        guard let tenant = try await find(slug: slug, today: CalendarDate(utcDate: Date()), lock: lock,
                                          connection: connection, logger: logger)
        else { throw UnknownTenant(slug: slug) }
        return tenant
    }

    /// The tenant with `id`, or nil (for the server's role, only the tenant its transaction is bound to).
    public static func find(id: TenantID, today: CalendarDate, connection: PostgresConnection,
                            logger: Logger) async throws -> TenantRecord? {
        try await read(connection.query("select \(unescaped: columns) from tenants where id = \(id)", logger: logger),
                       today: today, connection: connection, logger: logger).first
    }

    /// The tenant with `slug` (locked until the transaction ends when `lock`, `for no key update`:
    /// the tenant's own rows check it with key-share locks that `for update` would block), or nil.
    public static func find(slug: String, today: CalendarDate, lock: Bool, connection: PostgresConnection,
                            logger: Logger) async throws -> TenantRecord? {
        try await read(connection.query("""
            select \(unescaped: columns) from tenants where slug = \(slug) \(unescaped: lock ? "for no key update" : "")
            """, logger: logger), today: today, connection: connection, logger: logger).first
    }

    /// Changes name or status (with the reason, stored with it); returns the stored tenant. `audit`
    /// names the operation to record for the admin CLI's user, on the tenant's audit log and the
    /// platform's, in the same transaction. The plan changes through `SubscriptionStore`.
    /// With `expecting`, the change is made only while the stored status is still that one
    /// (`TenantChangedMeanwhile` otherwise): a move checked against what was read stays legal.
    public func update(_ tenant: TenantRecord, reason: String? = nil, audit operation: String? = nil,
                       expecting: TenantStatus? = nil) async throws -> TenantRecord {
        // The time is bound, not `now()`: Citus refuses a non-immutable function inside CASE.
        let now = Date()
        return try await database.transaction { connection in
            let updated = try await Self.all(connection.query("""
                update tenants set name = \(tenant.name), status = \(tenant.status.rawValue), updated_at = \(now),
                    status_reason = case when status = \(tenant.status.rawValue) then status_reason else \(reason) end,
                    status_changed_at = case when status = \(tenant.status.rawValue) then status_changed_at else \(now) end
                where id = \(tenant.id) and (\(expecting?.rawValue)::text is null or status = \(expecting?.rawValue))
                returning \(unescaped: Self.columns)
                """, logger: database.logger), plans: [tenant.id: tenant.plan]).first
            guard let updated else {
                if expecting != nil { throw TenantChangedMeanwhile(slug: tenant.slug) }
                throw UnknownTenant(slug: tenant.slug)
            }
            if let operation {
                try await AuditLog(TenantScope(connection: connection, tenantID: tenant.id, logger: database.logger))
                    .recordOperator(operation, resourceType: "tenant", resourceID: tenant.id.uuid, changedFields: ["status"])
                try await Self.auditOnPlatform(operation, tenant: tenant.id, changed: ["status"], reason: reason,
                                               connection: connection, logger: database.logger)
            }
            return updated
        }
    }

    /// Records a write of the admin CLI on the platform audit log, in the write's transaction.
    public static func auditOnPlatform(_ operation: String, tenant: TenantID, changed: [String], reason: String? = nil,
                                       connection: PostgresConnection, logger: Logger) async throws {
        try await PlatformAuditLog.recordCLI(operation, tenant: tenant.uuid, resourceType: "tenant",
                                             resourceID: tenant.uuid.uuidString.lowercased(), changed: changed,
                                             reason: reason, on: connection, logger: logger)
    }

    static let columns = "id, slug, name, status, created_at"

    /// The tenants `rows` selects, each with the plan it is on `today` (a second statement: on Citus
    /// the tenants are a reference table and the subscriptions are distributed).
    static func read(_ rows: PostgresRowSequence, today: CalendarDate, connection: PostgresConnection,
                     logger: Logger) async throws -> [TenantRecord] {
        let tenants = try await all(rows, plans: [:])
        guard !tenants.isEmpty else { return [] }
        let planRows = try await connection.query("""
            select s.tenant_id, p.code from subscriptions s join plans p on p.id = s.plan_id
            where s.tenant_id = any(\(tenants.map(\.id))) and s.starts_on <= \(today)
              and (s.ends_on is null or s.ends_on > \(today))
            """, logger: logger)
        var plans: [TenantID: String] = [:]
        for try await (tenant, code) in planRows.decode((TenantID, String).self) { plans[tenant] = code }
        return tenants.map { tenant in
            var tenant = tenant
            tenant.plan = plans[tenant.id] ?? ""
            return tenant
        }
    }

    static func all(_ rows: PostgresRowSequence, plans: [TenantID: String]) async throws -> [TenantRecord] {
        var tenants: [TenantRecord] = []
        for try await (id, slug, name, status, createdAt) in rows.decode((TenantID, String, String, String, Date).self) {
            guard let status = TenantStatus(rawValue: status) else { throw CorruptRow(table: "tenants", id: id.uuid) }
            tenants.append(TenantRecord(id: id, slug: slug, name: name, plan: plans[id] ?? "", status: status,
                                        createdAt: createdAt))
        }
        return tenants
    }
}
