import APIDefinition
import Domain
import Foundation
import Persistence

/// Implements the generated `APIProtocol`; one extension per area in this folder.
struct APIHandler: APIProtocol {
    let session: TenantSession
    let tokens: AccessTokens
    /// Whether an SSO configuration's JWKS URL may be plain http (otherwise https only).
    let ssoAllowsInsecureKeySets: Bool
    let readiness: Readiness
    /// Which tenants' overdue deliverables were judged today (see `refreshDeliverables`).
    let deliverableRefreshes = DeliverableRefreshes()
    /// The contract text served at `/openapi.yaml`.
    let document: String
}

extension APIHandler {
    /// Records a write in the audit log, in the write's own transaction.
    func audit(_ context: TenantSession.Context, _ operation: String, _ type: String, _ id: UUID,
               changed: [String]) async throws {
        try await AuditLog(context.scope).record(
            AuditEntry(actor: context.actor, operation: operation, resourceType: type, resourceID: id,
                       requestID: context.requestID, changedFields: changed, clientAddress: context.clientAddress),
            id: context.environment.newID(), at: context.environment.now())
    }
}
