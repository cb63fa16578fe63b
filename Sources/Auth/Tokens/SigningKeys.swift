public import Crypto
public import Foundation
import Logging
public import Persistence
import PostgresNIO
import Synchronization

/// One Ed25519 signing key. `retireAfter` nil: current; otherwise it verifies until then.
/// `privateKey` is nil for a key this process cannot sign with (written before keys were sealed,
/// or sealed under another key-encryption key): it still verifies.
public struct SigningKey: Sendable {
    public let kid: String
    public let publicKey: Curve25519.Signing.PublicKey
    public let privateKey: Curve25519.Signing.PrivateKey?
    public let createdAt: Date
    public let retireAfter: Date?

    public init(kid: String, publicKey: Curve25519.Signing.PublicKey, privateKey: Curve25519.Signing.PrivateKey?,
                createdAt: Date, retireAfter: Date?) {
        self.kid = kid
        self.publicKey = publicKey
        self.privateKey = privateKey
        self.createdAt = createdAt
        self.retireAfter = retireAfter
    }

    /// A key this process holds the private half of (a new one, or one just opened).
    public init(kid: String, privateKey: Curve25519.Signing.PrivateKey, createdAt: Date, retireAfter: Date?) {
        self.init(kid: kid, publicKey: privateKey.publicKey, privateKey: privateKey, createdAt: createdAt,
                  retireAfter: retireAfter)
    }

    /// The key as a JWK (RFC 8037 §2), for /.well-known/jwks.json.
    public var jwk: [String: String] {
        ["kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid,
         "x": Base64URL.encode(publicKey.rawRepresentation)]
    }
}

/// SQL for `signing_keys` (platform-wide, no tenant). Private keys are stored sealed (`SigningKeySeal`).
public enum SigningKeyStore {
    /// Keys still verifying at `now`, oldest first; opened with `seal` when given (listing needs no secret).
    public static func live(database: Database, now: Date, seal: SigningKeySeal?) async throws -> [SigningKey] {
        let rows = try await database.query("""
            select kid, public_key, sealed_private_key, created_at, retire_after from signing_keys
            where retire_after is null or retire_after > \(now) order by created_at, kid
            """)
        var keys: [SigningKey] = []
        for try await (kid, publicKey, sealed, createdAt, retireAfter) in rows.decode((String, ByteBuffer, ByteBuffer?, Date, Date?).self) {
            keys.append(SigningKey(kid: kid, publicKey: try .init(rawRepresentation: Array(buffer: publicKey)),
                                   privateKey: sealed.flatMap { sealed in seal?.open(Array(buffer: sealed), kid: kid) },
                                   createdAt: createdAt, retireAfter: retireAfter))
        }
        return keys
    }

    /// Adds a new current key; every other current key then verifies only until `retireOthersAfter`
    /// (past the expiry of the last token it can sign). Returns the new key's id.
    @discardableResult
    public static func rotate(database: Database, now: Date, retireOthersAfter: Date, seal: SigningKeySeal) async throws -> String {
        try await database.transaction { connection in
            // One change at a time, so two concurrent rotations cannot both stay current.
            try await lock(connection, logger: database.logger)
            try await connection.query("""
                update signing_keys set retire_after = \(retireOthersAfter) where retire_after is null
                """, logger: database.logger)
            return try await insertNewKey(now: now, seal: seal, on: connection, logger: database.logger)
        }
    }

    /// Creates a current key if there is none (a fresh installation, or one whose keys were all
    /// written before sealing).
    public static func ensureOne(database: Database, now: Date, seal: SigningKeySeal) async throws {
        try await database.transaction { connection in
            try await lock(connection, logger: database.logger)
            let rows = try await connection.query("""
                select count(*)::int from signing_keys where retire_after is null
                """, logger: database.logger)
            for try await current in rows.decode(Int.self) where current == 0 {
                try await insertNewKey(now: now, seal: seal, on: connection, logger: database.logger)
            }
        }
    }

    /// A transaction-scoped advisory lock (the app role may not lock the table itself).
    private static func lock(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("select pg_advisory_xact_lock(hashtext('pmo.signing_keys'))", logger: logger)
    }

    @discardableResult
    private static func insertNewKey(now: Date, seal: SigningKeySeal, on connection: PostgresConnection,
                                     logger: Logger) async throws -> String {
        let key = Curve25519.Signing.PrivateKey()
        let kid = Base64URL.encode(Array(SHA256.hash(data: key.publicKey.rawRepresentation)).prefix(12))
        try await connection.query("""
            insert into signing_keys (kid, algorithm, public_key, sealed_private_key, created_at)
            values (\(kid), 'EdDSA', \(ByteBuffer(bytes: key.publicKey.rawRepresentation)),
                    \(ByteBuffer(bytes: try seal.seal(key, kid: kid))), \(now))
            """, logger: logger)
        return kid
    }
}

/// The server's view of the signing keys: the newest signs, all live ones verify. Reloaded every
/// 30 s by a background service, and at once (at most every 5 s) when a token names a key it does
/// not know yet, so a rotation done on another machine is picked up on first sight.
public final class SigningKeyRing: Sendable {
    private struct State {
        var keys: [String: SigningKey] = [:]
        var current: SigningKey?
        var lastReload = Date.distantPast
    }

    private let state = Mutex(State())
    /// Opens the sealed private keys; the same key-encryption key on every server.
    public let seal: SigningKeySeal

    public init(seal: SigningKeySeal) {
        self.seal = seal
    }

    public func install(_ keys: [SigningKey], at now: Date) {
        state.withLock { state in
            state.keys = Dictionary(keys.map { ($0.kid, $0) }, uniquingKeysWith: { first, _ in first })
            // The newest current key this process can open, else the newest retiring one it can.
            let signers = keys.filter { $0.privateKey != nil }
            state.current = signers.filter { $0.retireAfter == nil }.max { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
                ?? signers.max { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
            state.lastReload = now
        }
    }

    public func reload(database: Database, now: Date) async throws {
        install(try await SigningKeyStore.live(database: database, now: now, seal: seal), at: now)
    }

    /// The key that signs new tokens; nil when there is none this process can open.
    public var current: SigningKey? { state.withLock { $0.current } }

    /// The verifying key for `kid`, if it has not retired by `now`.
    public func verifyingKey(_ kid: String, now: Date) -> Curve25519.Signing.PublicKey? {
        state.withLock { state in
            guard let key = state.keys[kid], key.retireAfter.map({ $0 > now }) ?? true else { return nil }
            return key.publicKey
        }
    }

    /// Whether an unknown `kid` may trigger a reload now: at most one every 5 seconds, reserved
    /// here so that concurrent requests (or a failing database) do not reload at once.
    public func reserveReloadForUnknownKey(now: Date) -> Bool {
        state.withLock { state in
            guard now.timeIntervalSince(state.lastReload) >= 5 else { return false }
            state.lastReload = now
            return true
        }
    }

    /// The JWK set of every live key.
    public func jwks(now: Date) -> [[String: String]] {
        state.withLock { state in
            state.keys.values.filter { $0.retireAfter.map { $0 > now } ?? true }
                .sorted { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }.map(\.jwk)
        }
    }
}
