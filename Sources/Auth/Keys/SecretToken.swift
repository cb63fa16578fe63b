import Crypto
import Domain
import Foundation

/// A secret as its holder sees it: `<prefix><publicId>_<secret>`, for API keys (`pmo_live_`),
/// member invitations (`pmo_inv_`), operator keys (`pmo_op_`) and console sessions (`pmo_cs_`). The public id finds the record (and its tenant) without revealing
/// anything; the 256-bit secret is stored only as a SHA-256 hash, which is enough for a random
/// secret of that length (no password stretching needed).
public struct SecretToken: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case apiKey = "pmo_live_"
        case invitation = "pmo_inv_"
        /// A platform operator's key: accepted only by the platform API.
        case operatorKey = "pmo_op_"
        /// An operator's session in the web console (its cookie): accepted only by the console.
        case consoleSession = "pmo_cs_"
    }

    public let kind: Kind
    public let publicID: String
    public let secret: String

    /// The full token, shown once to whoever it is for.
    public var token: String { "\(kind.rawValue)\(publicID)_\(secret)" }

    /// A new random token.
    public static func generate(_ kind: Kind = .apiKey) -> SecretToken {
        var generator = SystemRandomNumberGenerator()
        return SecretToken(kind: kind, publicID: Base32.encode(randomBytes(8, &generator)).prefix(12).description,
                           secret: Base32.encode(randomBytes(32, &generator)))
    }

    /// Parses a presented token; nil when it is not shaped like one of our keys. Works on the
    /// UTF-8 bytes: character-wise `count` and `split` on a generic string cost more than the
    /// SHA-256 of the secret on the request path (measured in profiles of GET one project).
    public init?(token: Substring, kind: Kind = .apiKey) {
        let bytes = Array(token.utf8)
        let prefix = kind.rawValue.utf8
        let publicStart = prefix.count, separator = publicStart + 12, secretStart = separator + 1
        guard bytes.count == secretStart + 52, bytes.starts(with: prefix),
              bytes[separator] == UInt8(ascii: "_"),
              bytes[publicStart..<separator].allSatisfy(Base32.isDigit),
              bytes[secretStart...].allSatisfy(Base32.isDigit)
        else { return nil }
        self.init(kind: kind, publicID: String(decoding: bytes[publicStart..<separator], as: UTF8.self),
                  secret: String(decoding: bytes[secretStart...], as: UTF8.self))
    }

    public init?(token: String, kind: Kind = .apiKey) { self.init(token: token[...], kind: kind) }

    init(kind: Kind, publicID: String, secret: String) {
        self.kind = kind
        self.publicID = publicID
        self.secret = secret
    }

    /// What is stored: SHA-256 of the secret.
    public var secretHash: [UInt8] { Self.hash(secret) }

    static func hash(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Array(secret.utf8))) }

    /// Compares this key's secret with a stored hash in time independent of where they differ.
    public func matches(storedHash: [UInt8]) -> Bool { ConstantTime.equal(secretHash, storedHash) }

    private static func randomBytes(_ count: Int, _ generator: inout SystemRandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

/// RFC 4648 base32 in lower case without padding: no `_` (our separator), easy to read aloud.
enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains(byte)
    }
}
