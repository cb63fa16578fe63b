import APIDefinition
import Auth
import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO

/// A platform write or read on one tenant the operator looks after, inside that tenant's transaction.
struct PlatformTenantContext {
    let scope: TenantScope
    let principal: OperatorPrincipal
    /// The tenant as it stood when found (locked for writes that depend on its status); without
    /// its plan and account managers (`store.completed`).
    let tenant: PlatformTenantRecord
    let store: PlatformTenantStore
    let environment: Domain.Environment

    /// Records an operator's write on both logs in this transaction: the platform audit log, and the
    /// tenant's own (its auditors see what the platform did to it).
    func audit(_ operation: String, resourceType: String = "tenant", resourceID: UUID? = nil, changed: [String],
               reason: String? = nil) async throws {
        let resource = resourceID ?? scope.tenantID.uuid
        try await APIHandler.platformAudit(principal, operation, tenant: scope.tenantID.uuid, resourceType: resourceType,
                                           resourceID: resource.uuidString.lowercased(), changed: changed, reason: reason,
                                           environment: environment, on: scope.connection, logger: scope.logger)
        try await AuditLog(scope).record(
            AuditEntry(actor: .operatorName(PlatformAuditEntry.actor(operator: principal.operatorID)), operation: operation,
                       resourceType: resourceType, resourceID: resource, requestID: RequestScope.current?.requestID,
                       changedFields: changed, clientAddress: RequestScope.current?.clientAddress),
            id: environment.newID(), at: environment.now())
    }

    /// The tenant after a change, with its plan and account managers.
    func completed(_ record: PlatformTenantRecord) async throws -> Components.Schemas.PlatformTenant {
        let today = CalendarDate(utcDate: environment.now())
        return APIHandler.platformTenant(try await store.completed(record, in: scope, today: today))
    }
}

extension APIHandler {
    /// Runs `work` in the transaction of a tenant the operator looks after; any other tenant is 404,
    /// as for `getPlatformTenant` (nothing tells an account manager it exists). `locking` holds the
    /// tenant's row until the transaction ends, so that status checks and changes serialize; a write
    /// that calls an owner function writing a platform table (an invitation's directory entry) must
    /// not lock: on Citus the two roles' locks on the platform tables would wait for each other.
    /// A write (`writing`, or any `locking` call) on an erased tenant is 409 `tenant-state`: its
    /// tombstone keeps the slug and the audit trail, and nothing may be added to it again.
    func onPlatformTenant<Result: Sendable>(
        _ tenantReference: String, locking: Bool = false, writing: Bool = false,
        _ work: (PlatformTenantContext) async throws -> Result
    ) async throws -> Result {
        guard let id = UUID(uuidString: tenantReference) else { throw APIProblem.notFound("Tenant \(tenantReference)") }
        let environment = session.environment
        return try await session.platform { principal, database in
            try await database.tenantTransaction(TenantID(id)) { scope in
                let store = PlatformTenantStore(connection: scope.connection, logger: scope.logger, principal: principal)
                let found = locking ? try await store.lock(in: scope) : try await store.find(id)
                guard let found else { throw APIProblem.notFound("Tenant \(tenantReference)") }
                if (locking || writing) && found.status == .deleted {
                    throw APIProblem(status: 409, type: "tenant-state", title: "Not allowed in the tenant's status",
                                     detail: "The tenant was erased: nothing can be changed on it any more.", allowed: [])
                }
                return try await work(PlatformTenantContext(scope: scope, principal: principal, tenant: found, store: store,
                                                            environment: environment))
            }
        }
    }

    /// Records a platform write on the platform audit log, as the operator, in the write's transaction.
    static func platformAudit(_ principal: OperatorPrincipal, _ operation: String, tenant: UUID?, resourceType: String,
                              resourceID: String, changed: [String], reason: String? = nil,
                              environment: Domain.Environment, on connection: PostgresConnection,
                              logger: Logger) async throws {
        try await PlatformAuditLog.record(
            PlatformAuditEntry(actor: PlatformAuditEntry.actor(operator: principal.operatorID), operatorID: principal.operatorID,
                               operation: operation, tenantID: tenant, resourceType: resourceType, resourceID: resourceID,
                               changedFields: changed, reason: reason, requestID: RequestScope.current?.requestID,
                               clientAddress: RequestScope.current?.clientAddress),
            id: environment.newID(), at: environment.now(), on: connection, logger: logger)
    }
}
