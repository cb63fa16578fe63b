import Auth
import Domain
import Foundation
import HTTPTypes
import Synchronization

/// What the layers of one request share: its id and raw body (from the HTTP middleware), the
/// credential and required scope (from the operation middleware), and the tenant to meter once the
/// tenant transaction has matched the key's secret (refusals for scope or suspension are metered too). Bound as a task-local for the request.
final class RequestScope: Sendable {
    let requestID: String
    /// The body, parsed once.
    let body: RequestBody
    var rawBody: [UInt8] { body.bytes }
    /// The request's header fields as received.
    let rawHeaders: HTTPFields
    /// `If-Match` and `Idempotency-Key`, parsed once.
    let conditions: WriteConditions
    let operation = Mutex<OperationContext?>(nil)
    let meteredTenant = Mutex<TenantID?>(nil)
    /// Whether the credential was checked against the database during this request.
    let authenticated = Mutex(false)
    /// The client's address (the socket peer), for throttling failed authentication.
    let clientAddress: String?
    /// The public part of the presented credential (a key's or invitation's public id), once parsed.
    let credentialPrefix = Mutex<String?>(nil)
    /// The key the presented public id names, whether or not its secret matched.
    let presentedKey = Mutex<(tenantID: TenantID, keyID: UUID)?>(nil)

    struct OperationContext: Sendable {
        var operationID: String
        var requiredScope: Scope
        var credential: PresentedCredential
    }

    init(requestID: String, rawBody: [UInt8], rawHeaders: HTTPFields, clientAddress: String? = nil) {
        self.requestID = requestID
        body = RequestBody(rawBody)
        self.rawHeaders = rawHeaders
        conditions = WriteConditions(rawHeaders)
        self.clientAddress = clientAddress
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
