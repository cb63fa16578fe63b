import _CryptoExtras
import Auth
import Crypto
public import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization

/// An OpenID Connect identity provider for tests: ES256 key pairs made here, a JWKS served on
/// loopback, and tokens signed as a provider signs them.
public final class TestIdentityProvider: Sendable {
    public struct Key: Sendable {
        enum Material: Sendable {
            case p256(P256.Signing.PrivateKey)
            case rsa(_RSA.Signing.PrivateKey)
        }

        public let kid: String
        let material: Material
        /// Whether the published JWK names its algorithm (some providers' RSA keys do not).
        let publishesAlgorithm: Bool

        /// The algorithm the provider signs with: ES256 or RS256.
        public var algorithm: String {
            switch material {
            case .p256: "ES256"
            case .rsa: "RS256"
            }
        }

        /// The public JWK (what a provider publishes).
        public var jwk: [String: String] {
            var fields = ["kid": kid, "use": "sig"]
            if publishesAlgorithm { fields["alg"] = algorithm }
            switch material {
            case .p256(let key):
                let point = key.publicKey.rawRepresentation  // x || y
                fields.merge(["kty": "EC", "crv": "P-256", "x": Base64URL.encode(point.prefix(32)),
                              "y": Base64URL.encode(point.suffix(32))]) { $1 }
            case .rsa(let key):
                let primitives = try! key.publicKey.getKeyPrimitives()
                fields.merge(["kty": "RSA", "n": Base64URL.encode(primitives.modulus),
                              "e": Base64URL.encode(primitives.publicExponent)]) { $1 }
            }
            return fields
        }

        func sign(_ input: Data) -> Data {
            switch material {
            case .p256(let key): try! key.signature(for: input).rawRepresentation
            case .rsa(let key): try! key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation
            }
        }
    }

    public let issuer: String
    private let published = Mutex<[Key]>([])
    private let fetches = Mutex(0)

    public init(issuer: String = "https://idp.example.test") {
        self.issuer = issuer
    }

    public func newKey(kid: String) -> Key {
        Key(kid: kid, material: .p256(P256.Signing.PrivateKey()), publishesAlgorithm: true)
    }

    /// A 2048-bit RSA key published without `alg`, as some providers publish theirs.
    public func newRSAKey(kid: String) -> Key {
        Key(kid: kid, material: .rsa(try! _RSA.Signing.PrivateKey(keySize: .bits2048)), publishesAlgorithm: false)
    }

    /// What the served JWKS holds from now on.
    public func publish(_ keys: [Key]) { published.withLock { $0 = keys } }

    /// How often the JWKS was fetched.
    public var fetchCount: Int { fetches.withLock { $0 } }

    /// A JWKS document of these keys, as JSON text.
    public static func jwks(_ keys: [Key]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["keys": keys.map(\.jwk)], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The usual claims of a token for `email` made for `audience`, valid for 5 minutes from now.
    public func claims(email: String, audience: String, now: Date = Date()) -> [String: Any] {
        ["iss": issuer, "aud": audience, "sub": "user-\(email)", "email": email, "email_verified": true,
         "iat": Int(now.timeIntervalSince1970), "exp": Int(now.timeIntervalSince1970) + 300]
    }

    /// A compact JWS of `claims`, signed with `key`; `header` entries replace the usual ones (a value
    /// of NSNull removes one).
    public func token(_ claims: [String: Any], key: Key, header: [String: Any] = [:]) -> String {
        var fields: [String: Any] = ["alg": key.algorithm, "typ": "JWT", "kid": key.kid]
        for (name, value) in header { fields[name] = value is NSNull ? nil : value }
        let input = Self.part(fields) + "." + Self.part(claims)
        return input + "." + Base64URL.encode(key.sign(Data(input.utf8)))
    }

    public static func part(_ object: [String: Any]) -> String {
        Base64URL.encode(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// Serves the JWKS at `http://127.0.0.1:<port>/jwks.json` while `body` runs.
    public func serve<Result: Sendable>(_ body: @Sendable (_ jwksURL: String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.get("/jwks.json") { _, _ -> Response in
            self.fetches.withLock { $0 += 1 }
            let document = Self.jwks(self.published.withLock { $0 })
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            return try await body("http://127.0.0.1:\(port)/jwks.json")
        }
    }
}
