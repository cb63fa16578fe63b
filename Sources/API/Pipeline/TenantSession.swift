import Auth
import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO

/// Runs a tenant operation: one transaction whose first statement finds the caller's key, sets its
/// tenant (`pmo.begin_key_request`) and returns what is needed to authenticate it, so a revoked key
/// or a suspended tenant is refused on the very next request, with no extra round trip.
struct TenantSession: Sendable {
    let database: Database
    let keyUsage: KeyUsageTracker
    let environment: Domain.Environment

    /// Everything a handler needs inside the transaction.
    struct Context: Sendable {
        let connection: PostgresConnection
        let principal: Principal
        let requestID: String
        let rawBody: [UInt8]
        let logger: Logger
        let environment: Domain.Environment

        var tenantID: UUID { principal.tenantID }
        var actor: Actor { .apiKey(principal.keyID) }
    }

    func run<Result: Sendable>(_ work: (Context) async throws -> Result) async throws -> Result {
        guard let scope = RequestScope.current, let operation = scope.operation.withLock({ $0 }) else {
            // Only reachable if an operation was registered without the operation middleware.
            throw APIProblem.internalError
        }
        let logger = database.logger
        let environment = self.environment
        return try await database.transaction { connection in
            guard let stored = try await APIKeyStore.beginRequest(
                publicID: operation.credential.publicID, on: connection, logger: logger)
            else { throw AuthFailure.unknownKey }
            let now = environment.now()
            if operation.credential.matches(storedHash: stored.secretHash) {
                scope.meteredTenant.withLock { $0 = stored.tenantID }
            }
            let principal = try stored.authorize(operation.credential, requiring: operation.requiredScope, now: now)
            keyUsage.recordUse(keyID: principal.keyID, tenantID: principal.tenantID, at: now)
            return try await work(Context(connection: connection, principal: principal, requestID: scope.requestID,
                                          rawBody: scope.rawBody, logger: logger, environment: environment))
        }
    }
}
