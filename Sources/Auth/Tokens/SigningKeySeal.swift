public import Crypto
import Foundation

/// Seals access-token signing keys for storage (AES-GCM, 256-bit key-encryption key; the key id is
/// the authenticated data, so a sealed key copied into another row does not open). The
/// key-encryption key comes from the environment, never from the database.
public struct SigningKeySeal: Sendable {
    private let key: SymmetricKey

    /// The environment variable every server and the admin CLI read it from.
    public static let environmentVariable = "SIGNING_KEY_ENCRYPTION_KEY"

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// `text`: 32 random bytes in base64 (e.g. `openssl rand -base64 32`).
    public init(base64 text: String) throws {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw Invalid(description: "\(Self.environmentVariable) must be 32 random bytes in base64 (openssl rand -base64 32)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// Reads it from `environment`, naming the variable when it is missing or malformed.
    public init(environment: [String: String]) throws {
        guard let text = environment[Self.environmentVariable], !text.isEmpty else {
            throw Invalid(description: "\(Self.environmentVariable) is not set: the key that seals the access-token signing keys, "
                + "32 random bytes in base64 (openssl rand -base64 32), the same for every server and pmo-admin")
        }
        try self.init(base64: text)
    }

    public func seal(_ privateKey: Curve25519.Signing.PrivateKey, kid: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(privateKey.rawRepresentation, using: key, authenticating: Data(kid.utf8))
        guard let combined = box.combined else { throw Invalid(description: "AES-GCM produced no combined box") }
        return Array(combined)
    }

    /// Nil when the key was sealed under another key-encryption key (or tampered with).
    public func open(_ sealed: [UInt8], kid: String) -> Curve25519.Signing.PrivateKey? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let raw = try? AES.GCM.open(box, using: key, authenticating: Data(kid.utf8))
        else { return nil }
        return try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }
}
