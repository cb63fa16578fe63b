import Domain
public import Foundation

/// Why a token from an identity provider was refused (all 401).
public enum SSORejection: Error, Equatable, Sendable {
    case malformed
    /// `none`, an HMAC algorithm, or one we do not verify: only public-key signatures are accepted.
    case unsupportedAlgorithm
    /// No tenant trusts this issuer for any of the token's audiences (wrong issuer or wrong audience).
    case untrustedIssuerOrAudience
    /// More than one tenant trusts this issuer for the token's audiences.
    case ambiguousAudience
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case missingEmail
    case emailNotVerified
    /// The provider's JWKS could not be fetched (and none was fetched before).
    case keySetUnavailable
}

/// A compact JWS from an identity provider, parsed but not verified: enough to find which tenant
/// trusts it and with which keys. Its claims count only after `IdentityProviderKeys` has verified
/// the signature over exactly these header and payload bytes.
public struct IdentityToken: Sendable {
    public let compact: String
    public let algorithm: String
    public let keyID: String?
    public let issuer: String
    /// `aud`: one string or an array of them (RFC 7519 §4.1.3).
    public let audiences: [String]
    public let expiresAt: Date?
    public let notBefore: Date?
    /// The payload's string-valued claims, for the configured e-mail claim.
    public let stringClaims: [String: String]
    /// OIDC's `email_verified`, when present (some providers send it as a string).
    public let emailVerified: Bool?

    /// The signature algorithms a provider may use: RSA, RSA-PSS, ECDSA and EdDSA.
    public static let acceptedAlgorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    ]
    /// Tolerated clock difference between the provider and this server, for `exp` and `nbf`.
    public static let clockLeeway: TimeInterval = 30

    public init(_ compact: Substring) throws(SSORejection) {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.object(parts[0]), let payload = Self.object(parts[1]) else {
            throw .malformed
        }
        guard let algorithm = header["alg"] as? String, Self.acceptedAlgorithms.contains(algorithm) else {
            throw .unsupportedAlgorithm
        }
        guard let issuer = payload["iss"] as? String else { throw .malformed }
        let audiences: [String]
        switch payload["aud"] {
        case let single as String: audiences = [single]
        case let several as [Any]: audiences = several.compactMap { $0 as? String }
        default: audiences = []
        }
        guard !audiences.isEmpty, audiences.count <= 20 else { throw .malformed }
        self.compact = String(compact)
        self.algorithm = algorithm
        self.keyID = header["kid"] as? String
        self.issuer = issuer
        self.audiences = audiences
        self.expiresAt = Self.date(payload["exp"])
        self.notBefore = Self.date(payload["nbf"])
        self.stringClaims = payload.compactMapValues { $0 as? String }
        self.emailVerified = switch payload["email_verified"] {
        case let flag as Bool: flag
        case let text as String: text == "true" ? true : text == "false" ? false : nil
        default: nil
        }
    }

    /// The issuer of a JWT-shaped bearer, without verifying anything: which verifier it goes to.
    public static func issuer(of compact: Substring) -> String? {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return object(parts[1])?["iss"] as? String
    }

    /// `exp` is required (a provider's token that never expires is refused), `nbf` optional.
    public func checkValidity(now: Date) throws(SSORejection) {
        guard let expiresAt else { throw .malformed }
        guard expiresAt.addingTimeInterval(Self.clockLeeway) > now else { throw .expired }
        if let notBefore, notBefore.addingTimeInterval(-Self.clockLeeway) > now { throw .notYetValid }
    }

    /// The member's e-mail from `claim`, normalized as members' addresses are. With the standard
    /// `email` claim, a provider that says the address is unverified is not believed.
    public func email(claim: String) throws(SSORejection) -> String {
        guard let value = stringClaims[claim], let email = EmailAddress.normalize(value) else { throw .missingEmail }
        if claim == "email", emailVerified == false { throw .emailNotVerified }
        return email
    }

    private static func object(_ part: Substring) -> [String: Any]? {
        guard let data = Base64URL.decode(part) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// NumericDate (RFC 7519 §2): seconds since the epoch, possibly fractional.
    private static func date(_ value: Any?) -> Date? {
        guard let number = value as? NSNumber, !(value is Bool) else { return nil }
        return Date(timeIntervalSince1970: number.doubleValue)
    }
}
