public import Auth
import Domain
import Foundation
public import Persistence

/// Issues and verifies access tokens with the server's signing key ring (see `SigningKeyRing`).
public struct AccessTokens: Sendable {
    let ring: SigningKeyRing
    let issuer: String
    let database: Database
    let verified = VerifiedTokenCache()

    public init(ring: SigningKeyRing, issuer: String, database: Database) {
        self.ring = ring
        self.issuer = issuer
        self.database = database
    }

    /// The claims of a token verified before and still within its validity (the common case of the
    /// request path: no parsing at all).
    func cachedClaims(_ token: Substring, now: Date) -> AccessTokenClaims? {
        verified.claims(for: token, now: now)
    }

    /// Verifies a presented token (or finds it verified before); a `kid` not seen yet reloads the
    /// keys once (a rotation made on another machine) before the token is refused.
    func verify(_ token: Substring, now: Date) async throws(AuthFailure) -> AccessTokenClaims {
        if let claims = verified.claims(for: token, now: now) { return claims }
        let claims: AccessTokenClaims
        do {
            claims = try AccessToken.verify(token, keys: { ring.verifyingKey($0, now: now) }, issuer: issuer, now: now)
        } catch .unknownKey where ring.reserveReloadForUnknownKey(now: now) {
            try? await ring.reload(database: database, now: now)
            do {
                claims = try AccessToken.verify(token, keys: { ring.verifyingKey($0, now: now) }, issuer: issuer, now: now)
            } catch {
                throw .invalidAccessToken(error)
            }
        } catch {
            throw .invalidAccessToken(error)
        }
        verified.remember(token, claims, now: now)
        return claims
    }

    /// Signs a token with the current key; returns it with the claims it carries. A key that is
    /// retiring (this server cannot open the newer one yet) signs nothing that outlives it.
    func issue(_ claims: AccessTokenClaims, now: Date) async throws -> (token: String, claims: AccessTokenClaims) {
        try await ensureLoaded(now: now)
        guard let key = ring.current else {
            // A current key exists that this server cannot open: its key-encryption key differs.
            throw UnsealedSigningKey(kid: "current")
        }
        var claims = claims
        if let retireAfter = key.retireAfter { claims.expiresAt = min(claims.expiresAt, retireAfter) }
        return (try AccessToken.sign(claims, with: key), claims)
    }

    /// Loads the keys if this server has none yet, creating the installation's first key if there is
    /// none at all.
    func ensureLoaded(now: Date) async throws {
        guard ring.current == nil else { return }
        try await SigningKeyStore.ensureOne(database: database, now: now, seal: ring.seal)
        try await ring.reload(database: database, now: now)
    }
}
