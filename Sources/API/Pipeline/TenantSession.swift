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
    /// Where the database is, for the log line when it does not answer.
    let databaseTarget: String
    /// The watchdog's verdict: while the database is unreachable, requests get 503 without waiting.
    let health: DatabaseHealth

    /// Everything a handler needs inside the transaction.
    struct Context: Sendable {
        let connection: PostgresConnection
        let principal: Principal
        let requestID: String
        let clientAddress: String?
        /// The request's body, parsed once (see `RequestBody`).
        let body: RequestBody
        let logger: Logger
        let environment: Domain.Environment

        var tenantID: TenantID { principal.tenantID }
        var actor: Actor { principal.actor }
        /// The tenant's view of the transaction, which its stores are made from.
        var scope: TenantScope { TenantScope(connection: connection, tenantID: principal.tenantID, logger: logger) }
    }

    /// A request's work in one transaction (writes, and reads of more than one statement).
    func run<Result: Sendable>(_ work: (Context) async throws -> Result) async throws -> Result {
        let (scope, operation) = try current()
        let logger = database.logger
        let environment = self.environment
        try requireReachable()
        return try await database.transaction { connection in
            let stored = try await KeyDirectory.beginRequest(
                publicID: operation.credential.lookupID, on: connection, logger: logger)
            let principal = try authorize(stored, scope: scope, operation: operation)
            return try await work(Context(connection: connection, principal: principal, requestID: scope.requestID,
                                          clientAddress: scope.clientAddress, body: scope.body, logger: logger,
                                          environment: environment))
        }
    }

    /// A single-statement read in one round trip (see `KeyedRead`): `query` gets the key's public id,
    /// and `decode` sees the read's rows only once the key has been authorized.
    func read<Result: Sendable, Statement: PostgresPreparedStatement>(
        _ query: (_ publicID: String) -> Statement,
        _ decode: ([[PostgresCell]]) throws -> Result
    ) async throws -> Result where Statement.Row == [PostgresCell] {
        let (scope, operation) = try current()
        try requireReachable()
        let (stored, rows) = try await KeyedRead.run(
            query(operation.credential.lookupID), on: database)
        _ = try authorize(stored, scope: scope, operation: operation)
        return try decode(rows)
    }

    /// A platform operation: authenticates the operator's key (one round trip), then runs `work`
    /// with the database client (platform reads go through SECURITY DEFINER functions that answer
    /// for that operator only).
    func platform<Result: Sendable>(
        _ work: (OperatorPrincipal, Database) async throws -> Result
    ) async throws -> Result {
        let (scope, operation) = try current()
        try requireReachable()
        let principal = try await operatorPrincipal(scope, operation)
        return try await work(principal, database)
    }

    /// The operator an operator key or a console session names, allowed the operation's scope: an
    /// account manager reaches the platform API, but not what only platform admins do.
    private func operatorPrincipal(_ scope: RequestScope, _ operation: RequestScope.OperationContext) async throws -> OperatorPrincipal {
        let principal: OperatorPrincipal
        switch operation.credential {
        case .operatorKey(let key):
            scope.recordAuthentication { $0.checked = true }
            principal = try await OperatorStore.authenticate(key, database: database)
        case .operatorSession(let token):
            scope.recordAuthentication { $0.checked = true }
            principal = try await ConsoleSessionStore.authenticate(token, database: database, now: environment.now()).principal
        case .key, .accessToken, .ssoMember:
            throw AuthFailure.insufficientScope(required: operation.requiredScope)
        }
        guard principal.role.scopes.contains(operation.requiredScope) else {
            throw AuthFailure.insufficientScope(required: operation.requiredScope)
        }
        return principal
    }

    /// Checks the credential alone (one round trip). Used when a request fails before reaching the
    /// database, so that a bad credential is still answered 401/403 rather than 400/422.
    func authenticate() async throws {
        let (scope, operation) = try current()
        try requireReachable()
        switch operation.credential {
        case .operatorKey, .operatorSession:
            // As `platform` does: an account manager is refused an admin operation before its body is read.
            _ = try await operatorPrincipal(scope, operation)
            return
        case .key, .accessToken, .ssoMember: break
        }
        let stored = try await database.transaction { connection in
            try await KeyDirectory.beginRequest(publicID: operation.credential.lookupID, on: connection,
                                               logger: database.logger)
        }
        _ = try authorize(stored, scope: scope, operation: operation)
    }

    /// A transaction for an operation whose credential travels in its body (accepting an invitation):
    /// `work` finds and sets the tenant itself.
    func withoutKey<Result: Sendable>(
        _ work: (_ connection: PostgresConnection, _ requestID: String?, _ logger: Logger) async throws -> Result
    ) async throws -> Result {
        try requireReachable()
        let requestID = RequestScope.current?.requestID
        let logger = database.logger
        return try await database.transaction { connection in try await work(connection, requestID, logger) }
    }

    /// Records in a key's tenant that failed authentications with that key were throttled (the
    /// platform itself is the actor: whoever failed is not known).
    func recordThrottled(tenantID: TenantID, keyID: UUID, requestID: String?) async throws {
        try await database.tenantTransaction(tenantID) { scope in
            try await AuditLog(scope).record(
                AuditEntry(actor: .system("auth-throttle"), operation: "throttleFailedAuthentication",
                           resourceType: "api_key", resourceID: keyID, requestID: requestID, changedFields: [],
                           clientAddress: RequestScope.current?.clientAddress),
                id: environment.newID(), at: environment.now())
        }
    }

    /// 503 at once while the watchdog finds the database unreachable.
    func requireReachable() throws {
        guard health.isReachable else {
            throw DatabaseUnavailable(target: databaseTarget, limit: .zero)
        }
    }

    private func current() throws -> (RequestScope, RequestScope.OperationContext) {
        guard let scope = RequestScope.current, let operation = scope.operation else {
            // Only reachable if an operation was registered without the operation middleware.
            throw APIProblem.internalError
        }
        return (scope, operation)
    }

    /// The one authentication decision for both paths; records the tenant for metering as soon as
    /// the secret matches, so refusals for scope or suspension are metered too.
    private func authorize(_ stored: StoredKey?, scope: RequestScope,
                           operation: RequestScope.OperationContext) throws -> Principal {
        guard let stored else {
            scope.recordAuthentication { $0.checked = true }
            if case .ssoMember = operation.credential { throw AuthFailure.inactiveMember }
            throw AuthFailure.unknownKey
        }
        let now = environment.now()
        // The key the public id names, and the tenant to meter: a matched secret (or a verified
        // token or SSO member) is metered even when scope or suspension refuse the call.
        switch operation.credential {
        case .key(let key):
            let matched = key.matches(storedHash: stored.secretHash)
            scope.recordAuthentication { outcome in
                outcome.checked = true
                outcome.presentedKey = (stored.tenantID, stored.keyID)
                if matched { outcome.meteredTenant = stored.tenantID }
            }
            let principal = try stored.authorize(key, requiring: operation.requiredScope, now: now)
            keyUsage.recordUse(keyID: principal.keyID, tenantID: principal.tenantID, at: now)
            return principal
        case .accessToken(let claims):
            scope.recordAuthentication { $0.checked = true; $0.meteredTenant = stored.tenantID }
            return try stored.authorize(claims, requiring: operation.requiredScope, now: now)
        case .ssoMember:
            scope.recordAuthentication { $0.checked = true; $0.meteredTenant = stored.tenantID }
            return try stored.authorizeMember(requiring: operation.requiredScope)
        case .operatorKey, .operatorSession:
            scope.recordAuthentication { $0.checked = true }
            throw AuthFailure.insufficientScope(required: operation.requiredScope)  // refused earlier, by the middleware
        }
    }
}
