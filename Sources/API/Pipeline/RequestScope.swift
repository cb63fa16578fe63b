import Auth
import Domain
import Foundation
import HTTPTypes
import Synchronization

/// What the layers of one request share, bound as a task-local for the request. Everything is fixed
/// when the request arrives (its id, body, conditions and the client's address, from
/// `HTTPEdgeMiddleware`) or when it is routed (the operation and presented credential, from
/// `OperationMiddleware`, which binds a scope of its own). The one thing learnt while it runs is
/// the authentication outcome, written only through `recordAuthentication(_:)`.
final class RequestScope: Sendable {
    let requestID: String
    /// The body, parsed once.
    let body: RequestBody
    /// The request's header fields as received.
    let rawHeaders: HTTPFields
    /// `If-Match` and `Idempotency-Key`, parsed once.
    let conditions: WriteConditions
    /// The client's address (the socket peer), for throttling failed authentication.
    let clientAddress: String?
    /// The routed operation, with its required scope and the credential it was called with; nil
    /// before routing and for operations without a bearer credential.
    let operation: OperationContext?
    private let outcome: Mutex<AuthenticationOutcome>

    struct OperationContext: Sendable {
        var operationID: String
        var requiredScope: Scope
        var credential: PresentedCredential
    }

    /// What authentication found out during the request: for metering, throttling and the audit of
    /// throttled keys.
    struct AuthenticationOutcome: Sendable {
        /// Whether the credential was checked against the database.
        var checked = false
        /// The tenant to meter the call to, once a credential's secret matched.
        var meteredTenant: TenantID?
        /// The key the presented public id names, whether or not its secret matched.
        var presentedKey: (tenantID: TenantID, keyID: UUID)?
        /// The public part of a credential presented in the body (an invitation's, a client secret's).
        var bodyCredentialPrefix: String?
    }

    init(requestID: String, rawBody: [UInt8], rawHeaders: HTTPFields, clientAddress: String? = nil) {
        self.requestID = requestID
        body = RequestBody(rawBody)
        self.rawHeaders = rawHeaders
        conditions = WriteConditions(rawHeaders)
        self.clientAddress = clientAddress
        operation = nil
        outcome = Mutex(AuthenticationOutcome())
    }

    private init(_ scope: RequestScope, operation: OperationContext) {
        requestID = scope.requestID
        body = scope.body
        rawHeaders = scope.rawHeaders
        conditions = scope.conditions
        clientAddress = scope.clientAddress
        self.operation = operation
        outcome = Mutex(scope.authentication)
    }

    /// The same request, routed to `operation`.
    func routed(to operation: OperationContext) -> RequestScope { RequestScope(self, operation: operation) }

    var authentication: AuthenticationOutcome { outcome.withLock { $0 } }

    /// The one place the authentication outcome changes.
    func recordAuthentication(_ change: (inout AuthenticationOutcome) -> Void) {
        outcome.withLock { change(&$0) }
    }

    /// The public part of the presented credential (a key's public id, or one presented in the
    /// body), for throttling by key prefix.
    var credentialPrefix: String? {
        switch operation?.credential {
        case .key(let key), .operatorKey(let key), .operatorSession(let key): key.publicID
        case .accessToken, .ssoMember, nil: authentication.bodyCredentialPrefix
        }
    }

    /// A header exactly as the client sent it.
    static func rawHeader(_ name: String) -> String? {
        guard let field = HTTPField.Name(name) else { return nil }
        return current?.rawHeaders[field]
    }

    /// The request's `If-Match`, parsed.
    static var ifMatch: Preconditions.IfMatch? { (current?.conditions ?? .none).ifMatch }

    /// The request's `Idempotency-Key`; throws 400 for one that is not 1–255 printable ASCII characters.
    static func idempotencyKey() throws(APIProblem) -> String? {
        try (current?.conditions ?? .none).idempotencyKey.get()
    }

    @TaskLocal static var current: RequestScope?
}
