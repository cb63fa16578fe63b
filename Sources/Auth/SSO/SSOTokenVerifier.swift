public import Foundation
import JWTKit
import Logging
public import Persistence

/// A member signed in through their tenant's identity provider: the tenant, the version of its SSO
/// configuration the token was verified against, and the member's e-mail (normalized).
public struct SSOIdentity: Sendable, Equatable {
    public var tenantID: UUID
    public var configVersion: Int64
    public var email: String

    public init(tenantID: UUID, configVersion: Int64, email: String) {
        self.tenantID = tenantID
        self.configVersion = configVersion
        self.email = email
    }

    /// What `pmo.begin_key_request` finds the member by (see migration 0010).
    public var lookupID: String { "member:\(tenantID.uuidString.lowercased()):\(configVersion):\(email)" }
}

/// Verifies a bearer token from a tenant's identity provider: the issuer and audience select the
/// tenant that trusts them, the signature must verify with that provider's keys (the key its `kid`
/// names, with that key's algorithm), the token must be within its validity, and the configured
/// claim must hold an e-mail. Whether that e-mail is an
/// active member is decided by the request's first statement, with everything else.
public struct SSOTokenVerifier: Sendable {
    let keys: IdentityProviderKeys
    let database: Database

    public init(keys: IdentityProviderKeys, database: Database) {
        self.keys = keys
        self.database = database
    }

    /// Throws `SSORejection` for a token that is not good, or the database's error.
    public func verify(_ bearer: Substring, now: Date) async throws -> SSOIdentity {
        let token = try IdentityToken(bearer)
        let trusts = try await SSOConfigStore.trusts(issuer: token.issuer, audiences: token.audiences,
                                                     database: database)
        guard let trust = trusts.first else { throw SSORejection.untrustedIssuerOrAudience }
        guard trusts.count == 1 else { throw SSORejection.ambiguousAudience }
        let collection = try await keys.collection(for: trust, keyID: token.keyID, algorithm: token.algorithm, now: now)
        do {
            _ = try await collection.verify(token.compact, as: SignedPayload.self)
        } catch {
            throw SSORejection.badSignature
        }
        // Only a token the provider signed learns why else it is refused.
        try token.checkValidity(now: now)
        return SSOIdentity(tenantID: trust.tenantID, configVersion: trust.version,
                           email: try token.email(claim: trust.emailClaim))
    }
}

/// The payload as JWTKit sees it: nothing, since `IdentityToken` has read the same (now verified)
/// bytes and the checks on them are ours, against the server's clock.
private struct SignedPayload: JWTPayload {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
