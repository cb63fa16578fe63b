public import Domain
public import Foundation
public import Persistence

/// The authenticated caller of a tenant operation: an API key (or personal access token), an API
/// client holding an access token, or a member signed in through the tenant's identity provider.
public struct Principal: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case apiKey
        case apiClient
        /// A member with a token from the tenant's identity provider (SSO): `keyID` is the member's id.
        case member
    }

    public let tenantID: TenantID
    /// The key's id; for an access token the client's id; for a member signed in through SSO the member's id.
    public let keyID: UUID
    public let scopes: Set<Scope>
    public let kind: Kind

    public init(tenantID: TenantID, keyID: UUID, scopes: Set<Scope>, kind: Kind = .apiKey) {
        self.tenantID = tenantID
        self.keyID = keyID
        self.scopes = scopes
        self.kind = kind
    }

    /// Who the audit log names for this caller's writes.
    public var actor: Actor {
        switch kind {
        case .apiKey: .apiKey(keyID)
        case .apiClient: .apiClient(keyID)
        case .member: .member(keyID)
        }
    }
}

/// A bearer credential as presented: an API key, or an access token whose signature, issuer and
/// expiry have been verified (its client and tenant are checked against the database next).
public enum PresentedCredential: Sendable, Equatable {
    case key(SecretToken)
    case accessToken(AccessTokenClaims)
    /// A platform operator's key: good only for the platform API.
    case operatorKey(SecretToken)
    /// An operator signed in to the web console, whose pages call the platform operations with it.
    case operatorSession(SecretToken)
    /// A token from a tenant's identity provider whose signature, audience and validity have been
    /// verified (the member and the configuration are checked against the database next).
    case ssoMember(SSOIdentity)

    /// What `pmo.begin_key_request` looks the caller up by.
    public var lookupID: String {
        switch self {
        case .key(let key), .operatorKey(let key), .operatorSession(let key): key.publicID
        case .accessToken(let claims):
            "client:\(claims.tenantID.uuidString.lowercased()):\(claims.clientID.uuidString.lowercased()):"
                + claims.keyID.uuidString.lowercased()
        case .ssoMember(let identity): identity.lookupID
        }
    }
}

/// Why a credential was refused: 401 (with `WWW-Authenticate`) except `tenantSuspended` and
/// `insufficientScope`, which are 403.
public enum AuthFailure: Error, Equatable, Sendable {
    case missingCredential
    case malformedCredential
    case unknownKey
    case revokedKey
    case expiredKey
    case tenantSuspended
    case insufficientScope(required: Scope)
    case invalidAccessToken(AccessTokenRejection)
    case disabledClient
    case invalidSSOToken(SSORejection)
    /// The SSO token's member is not active, or the tenant's SSO configuration changed since the
    /// token was verified.
    case inactiveMember
}

extension StoredKey {
    /// The decision for one request: who is calling, or why not. Order matters: a wrong secret is
    /// "unknown" (never "revoked"), so nothing about a key leaks to someone who does not hold it.
    public func authorize(_ presented: SecretToken, requiring scope: Scope, now: Date) throws(AuthFailure) -> Principal {
        guard presented.matches(storedHash: secretHash) else { throw .unknownKey }
        if revokedAt != nil { throw .revokedKey }
        if let expiresAt, expiresAt <= now { throw .expiredKey }
        guard TenantStatus(rawValue: tenantStatus)?.allows(scope) == true else { throw .tenantSuspended }
        let granted = Set(scopes.compactMap(Scope.init(rawValue:)))
        guard granted.contains(scope) else { throw .insufficientScope(required: scope) }
        return Principal(tenantID: tenantID, keyID: keyID, scopes: granted)
    }
}

extension StoredKey {
    /// The decision for a request with a verified access token: `self` describes the token's client
    /// and the key that obtained it as they are now, so a disabled client, a revoked or expired key,
    /// or a narrowed scope set applies to tokens already issued.
    public func authorize(_ token: AccessTokenClaims, requiring scope: Scope, now: Date) throws(AuthFailure) -> Principal {
        if revokedAt != nil { throw .disabledClient }
        if let expiresAt, expiresAt <= now { throw .expiredKey }
        guard TenantStatus(rawValue: tenantStatus)?.allows(scope) == true else { throw .tenantSuspended }
        let granted = Set(token.scopes).intersection(scopes.compactMap(Scope.init(rawValue:)))
        guard granted.contains(scope) else { throw .insufficientScope(required: scope) }
        return Principal(tenantID: tenantID, keyID: keyID, scopes: granted, kind: .apiClient)
    }
}

extension StoredKey {
    /// The decision for a member signed in through SSO: `self` describes the member as they are now
    /// (their role travels in `scopes`), so a deactivated member or a changed role applies at once.
    public func authorizeMember(requiring scope: Scope) throws(AuthFailure) -> Principal {
        if revokedAt != nil { throw .inactiveMember }
        guard TenantStatus(rawValue: tenantStatus)?.allows(scope) == true else { throw .tenantSuspended }
        let granted = scopes.compactMap(Role.init(rawValue:)).first?.scopes ?? []
        guard granted.contains(scope) else { throw .insufficientScope(required: scope) }
        return Principal(tenantID: tenantID, keyID: keyID, scopes: granted, kind: .member)
    }
}
