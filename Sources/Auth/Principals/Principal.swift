import Domain
import Foundation
import Persistence

/// The authenticated caller of a tenant operation.
public struct Principal: Sendable, Equatable {
    public let tenantID: UUID
    public let keyID: UUID
    public let scopes: Set<Scope>

    public init(tenantID: UUID, keyID: UUID, scopes: Set<Scope>) {
        self.tenantID = tenantID
        self.keyID = keyID
        self.scopes = scopes
    }
}

/// Why a credential was refused. The first five are 401 (with `WWW-Authenticate`), the rest 403.
public enum AuthFailure: Error, Equatable, Sendable {
    case missingCredential
    case malformedCredential
    case unknownKey
    case revokedKey
    case expiredKey
    case tenantSuspended
    case insufficientScope(required: Scope)
}

extension StoredKey {
    /// The decision for one request: who is calling, or why not. Order matters: a wrong secret is
    /// "unknown" (never "revoked"), so nothing about a key leaks to someone who does not hold it.
    public func authorize(_ presented: SecretToken, requiring scope: Scope, now: Date) throws(AuthFailure) -> Principal {
        guard presented.matches(storedHash: secretHash) else { throw .unknownKey }
        if revokedAt != nil { throw .revokedKey }
        if let expiresAt, expiresAt <= now { throw .expiredKey }
        guard TenantStatus(rawValue: tenantStatus)?.mayUseAPI == true else { throw .tenantSuspended }
        let granted = Set(scopes.compactMap(Scope.init(rawValue:)))
        guard granted.contains(scope) else { throw .insufficientScope(required: scope) }
        return Principal(tenantID: tenantID, keyID: keyID, scopes: granted)
    }
}
