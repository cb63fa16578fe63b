public import Crypto
public import Domain
public import Foundation

/// What a verified access token says: which client of which tenant (and which of its keys obtained
/// it), with which scopes, until when.
public struct AccessTokenClaims: Sendable, Equatable {
    public var issuer: String
    public var tenantID: TenantID
    public var clientID: UUID
    public var keyID: UUID
    public var scopes: [Scope]
    public var issuedAt: Date
    public var expiresAt: Date
    public var tokenID: UUID

    public init(issuer: String, tenantID: TenantID, clientID: UUID, keyID: UUID, scopes: [Scope], issuedAt: Date,
                expiresAt: Date, tokenID: UUID) {
        self.issuer = issuer
        self.tenantID = tenantID
        self.clientID = clientID
        self.keyID = keyID
        self.scopes = scopes
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.tokenID = tokenID
    }
}

/// Why a bearer that looks like a JWT was refused (all 401).
public enum AccessTokenRejection: Error, Equatable, Sendable {
    case malformed
    case unsupportedAlgorithm
    case unknownKey
    case badSignature
    case expired
    case wrongIssuer
}

/// Access tokens as compact JWS (RFC 7515/7519) signed with Ed25519 (`alg: EdDSA`, RFC 8037). The
/// claims are `iss`, `sub` (the API client), `tenant`, `key` (the client key that obtained it), `scope`
/// (space-separated), `iat`, `exp`, `jti`.
public enum AccessToken {
    /// Tokens live 15 minutes.
    public static let lifetime: TimeInterval = 15 * 60

    /// Whether a bearer credential is shaped like a JWT (three base64url parts) rather than a key.
    public static func looksLikeToken(_ bearer: Substring) -> Bool {
        bearer.utf8.first == UInt8(ascii: "e") && bearer.utf8.filter { $0 == UInt8(ascii: ".") }.count == 2
    }

    public static func sign(_ claims: AccessTokenClaims, with key: SigningKey) throws -> String {
        let header = ["alg": "EdDSA", "kid": key.kid, "typ": "JWT"]
        let payload: [String: Any] = [
            "iss": claims.issuer, "sub": claims.clientID.uuidString.lowercased(),
            "tenant": claims.tenantID.uuidString.lowercased(), "key": claims.keyID.uuidString.lowercased(),
            "scope": claims.scopes.map(\.rawValue).sorted().joined(separator: " "),
            "iat": Int(claims.issuedAt.timeIntervalSince1970), "exp": Int(claims.expiresAt.timeIntervalSince1970),
            "jti": claims.tokenID.uuidString.lowercased(),
        ]
        let signingInput = Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
            + "." + Base64URL.encode(try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]))
        guard let privateKey = key.privateKey else { throw UnsealedSigningKey(kid: key.kid) }
        let signature = try privateKey.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Checks the header (only `EdDSA`, never `none`), the signature with the key its `kid` names,
    /// the issuer and the expiry, and returns the claims.
    public static func verify(_ token: Substring, keys: (String) -> Curve25519.Signing.PublicKey?, issuer: String,
                              now: Date) throws(AccessTokenRejection) -> AccessTokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let payloadData = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any]
        else { throw .malformed }
        guard header["alg"] as? String == "EdDSA" else { throw .unsupportedAlgorithm }
        guard let kid = header["kid"] as? String, let key = keys(kid) else { throw .unknownKey }
        let signingInput = Data(token[token.startIndex..<parts[2].startIndex].dropLast().utf8)
        guard key.isValidSignature(signature, for: signingInput) else { throw .badSignature }
        guard let claims = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any],
              let iss = claims["iss"] as? String, let sub = (claims["sub"] as? String).flatMap(UUID.init(uuidString:)),
              let tenant = (claims["tenant"] as? String).flatMap(TenantID.init(uuidString:)),
              let keyID = (claims["key"] as? String).flatMap(UUID.init(uuidString:)),
              let scope = claims["scope"] as? String, let iat = claims["iat"] as? Int, let exp = claims["exp"] as? Int,
              let jti = (claims["jti"] as? String).flatMap(UUID.init(uuidString:))
        else { throw .malformed }
        guard iss == issuer else { throw .wrongIssuer }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(exp))
        guard expiresAt > now else { throw .expired }
        return AccessTokenClaims(
            issuer: iss, tenantID: tenant, clientID: sub, keyID: keyID,
            scopes: scope.split(separator: " ").compactMap { Scope(rawValue: String($0)) },
            issuedAt: Date(timeIntervalSince1970: TimeInterval(iat)), expiresAt: expiresAt, tokenID: jti)
    }
}

/// base64url without padding (RFC 4648 §5), as JOSE uses it.
public enum Base64URL {
    public static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: Substring) -> Data? {
        guard text.utf8.allSatisfy({ byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// A signing key this process cannot open (sealed under another key-encryption key).
public struct UnsealedSigningKey: Error, CustomStringConvertible {
    public let kid: String
    public init(kid: String) { self.kid = kid }
    public var description: String { "signing key \(kid) cannot be opened with this SIGNING_KEY_ENCRYPTION_KEY" }
}
