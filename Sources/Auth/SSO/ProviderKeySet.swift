public import Foundation
public import JWTKit

/// An identity provider's JWKS (RFC 7517), reduced to the public keys that can verify signatures.
public struct ProviderKeySet: Sendable {
    /// Each key with its `alg` set (the JWK's own, or the usual one for its type): a token must use
    /// exactly that algorithm. A key without `alg` is pinned here, so no token's header can choose how
    /// it is used.
    public let keys: [JWK]
    /// The key ids in the set: a token naming another one makes a fetched set be fetched again.
    public var keyIDs: Set<String> { Set(keys.compactMap { $0.keyIdentifier?.string }) }
    /// The algorithm each key id verifies.
    public var algorithms: [String: String] {
        Dictionary(keys.compactMap { key in key.keyIdentifier.map { ($0.string, key.algorithm?.rawValue ?? "") } },
                   uniquingKeysWith: { first, _ in first })
    }

    /// Why a JWKS document was refused (what an owner is told, with a JSON pointer).
    public struct Problem: Error, Equatable, Sendable {
        public let pointer: String
        public let detail: String
    }

    /// Members of a JWK that only a private (or symmetric) key has: such a key must never be stored.
    static let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// Parses a JWKS document. `strict` (a document an owner sends inline): every key must be a usable
    /// public signing key with a `kid`, else the first bad one is named. Otherwise (a document fetched
    /// from a provider): keys that are not (encryption keys, unknown types) are skipped.
    public static func parse(_ data: Data, strict: Bool) async throws(Problem) -> ProviderKeySet {
        guard let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let entries = document["keys"] as? [Any]
        else { throw Problem(pointer: "", detail: "must be a JWKS document: an object with a \"keys\" array") }
        guard entries.count <= 50 else { throw Problem(pointer: "/keys", detail: "must hold at most 50 keys") }
        var keys: [JWK] = []
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            do throws(Problem) {
                let key = try await usableKey(entry)
                guard let kid = key.keyIdentifier?.string, seen.insert(kid).inserted else {
                    throw Problem(pointer: "/kid", detail: "must be unique within the set")
                }
                keys.append(key)
            } catch {
                if strict { throw Problem(pointer: "/keys/\(index)\(error.pointer)", detail: error.detail) }
            }
        }
        guard !keys.isEmpty else {
            throw Problem(pointer: "/keys", detail: "must hold at least one public signing key (RSA, EC or OKP) with a kid")
        }
        return ProviderKeySet(keys: keys)
    }

    /// Builds a collection that verifies with exactly these keys.
    public func collection() async throws -> JWTKeyCollection {
        let collection = JWTKeyCollection()
        for key in keys { try await collection.add(jwk: key) }
        return collection
    }

    private static func usableKey(_ entry: Any) async throws(Problem) -> JWK {
        guard let object = entry as? [String: Any] else { throw Problem(pointer: "", detail: "must be a JWK object") }
        if let member = privateMembers.first(where: { object[$0] != nil }) {
            throw Problem(pointer: "/\(member)", detail: "is private key material: publish only public keys")
        }
        if let use = object["use"] as? String, use != "sig" {
            throw Problem(pointer: "/use", detail: "must be \"sig\": only signing keys verify tokens")
        }
        guard let kid = object["kid"] as? String, (1...200).contains(kid.utf8.count) else {
            throw Problem(pointer: "/kid", detail: "is required (1–200 characters): tokens name their key by it")
        }
        var key: JWK
        do {
            key = try JSONDecoder().decode(JWK.self, from: JSONSerialization.data(withJSONObject: object))
        } catch {
            throw Problem(pointer: "/kty", detail: "must be RSA, EC or OKP with that type's public members")
        }
        guard let algorithm = key.algorithm?.rawValue ?? defaultAlgorithm(key),
              IdentityToken.acceptedAlgorithms.contains(algorithm)
        else { throw Problem(pointer: "/alg", detail: "must be a signature algorithm of the key's type") }
        key.algorithm = JWK.Algorithm(rawValue: algorithm)
        // Building the verifier checks the key material (modulus, curve point).
        do {
            _ = try await JWTKeyCollection().add(jwk: key).getKey(for: JWKIdentifier(string: kid), alg: algorithm)
        } catch {
            throw Problem(pointer: "", detail: "is not a valid \(key.keyType.rawValue) public key for \(algorithm)")
        }
        return key
    }

    /// The algorithm a key without `alg` is checked with.
    private static func defaultAlgorithm(_ key: JWK) -> String? {
        switch key.keyType {
        case .rsa: "RS256"
        case .octetKeyPair: "EdDSA"
        case .ecdsa:
            switch key.curve?.rawValue {
            case "P-256": "ES256"
            case "P-384": "ES384"
            case "P-521": "ES512"
            default: nil
            }
        default: nil
        }
    }
}
