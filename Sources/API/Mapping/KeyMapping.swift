import APIDefinition
import Auth
import Domain
import Foundation

/// API keys and personal access tokens on the wire, and the scopes a request asks for them.
enum KeyMapping {
    static func resource(_ record: APIKeyRecord, secret: SecretToken? = nil) -> Components.Schemas.ApiKey {
        Components.Schemas.ApiKey(
            id: record.id.wire, name: record.name,
            prefix: SecretToken.Kind.apiKey.rawValue + record.publicID, scopes: record.scopes,
            createdAt: record.createdAt, expiresAt: record.expiresAt, revokedAt: record.revokedAt,
            lastUsedAt: record.lastUsedAt, token: secret?.token)
    }

    /// Scope names from a request body at `pointer`: each unknown one is a field error; duplicates
    /// count once.
    static func scopes(_ names: [String], at pointer: String, _ checks: inout FieldChecks) -> [Scope] {
        checks.require(!names.isEmpty, pointer, "must name at least one scope")
        var scopes: [Scope] = []
        for (index, name) in names.enumerated() {
            let scope = Scope(rawValue: name)
            checks.require(scope != nil, "\(pointer)/\(index)",
                           "is not a scope; known: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
            if let scope, !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes
    }

    /// Refuses scopes outside `allowed` (what the member's role, the client or the caller holds),
    /// naming each with `whose` ("your role viewer", "the client", "your credential").
    static func requireWithin(_ scopes: [Scope], _ allowed: Set<Scope>, at pointer: String,
                              whose: String) throws(ValidationFailure) {
        var checks = FieldChecks()
        for (index, scope) in scopes.enumerated() where !allowed.contains(scope) {
            checks.require(false, "\(pointer)/\(index)", "\(scope.rawValue) is not held by \(whose)")
        }
        try checks.throwIfAny()
    }
}
