import Auth
import Domain
import Foundation
import Synchronization

/// What the layers of one request share: its id and raw body (from the HTTP middleware), the
/// credential and required scope (from the operation middleware), and the tenant to meter once the
/// tenant transaction has matched the key's secret (refusals for scope or suspension are metered too). Bound as a task-local for the request.
final class RequestScope: Sendable {
    let requestID: String
    let rawBody: [UInt8]
    let operation = Mutex<OperationContext?>(nil)
    let meteredTenant = Mutex<UUID?>(nil)

    struct OperationContext: Sendable {
        var operationID: String
        var requiredScope: Scope
        var credential: APIKeySecret
    }

    init(requestID: String, rawBody: [UInt8]) {
        self.requestID = requestID
        self.rawBody = rawBody
    }

    @TaskLocal static var current: RequestScope?
}
