import Crypto
import Foundation
import Logging
import Persistence
import PostgresNIO
import Synchronization

/// One Ed25519 signing key. `retireAfter` nil: current; otherwise it verifies until then.
public struct SigningKey: Sendable {
    public let kid: String
    public let privateKey: Curve25519.Signing.PrivateKey
    public let createdAt: Date
    public let retireAfter: Date?

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }

    public init(kid: String, privateKey: Curve25519.Signing.PrivateKey, createdAt: Date, retireAfter: Date?) {
        self.kid = kid
        self.privateKey = privateKey
        self.createdAt = createdAt
        self.retireAfter = retireAfter
    }

    /// The key as a JWK (RFC 8037 §2), for /.well-known/jwks.json.
    public var jwk: [String: String] {
        ["kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid,
         "x": Base64URL.encode(publicKey.rawRepresentation)]
    }
}

/// SQL for `signing_keys` (platform-wide, no tenant).
public enum SigningKeyStore {
    /// Keys still verifying at `now`, oldest first.
    public static func live(database: Database, now: Date) async throws -> [SigningKey] {
        let rows = try await database.client.query("""
            select kid, private_key, created_at, retire_after from signing_keys
            where retire_after is null or retire_after > \(now) order by created_at, kid
            """, logger: database.logger)
        var keys: [SigningKey] = []
        for try await (kid, privateKey, createdAt, retireAfter) in rows.decode((String, ByteBuffer, Date, Date?).self) {
            keys.append(SigningKey(kid: kid, privateKey: try .init(rawRepresentation: Array(buffer: privateKey)),
                                   createdAt: createdAt, retireAfter: retireAfter))
        }
        return keys
    }

    /// Adds a new current key; every other current key then verifies only until `retireOthersAfter`
    /// (past the expiry of the last token it can sign). Returns the new key's id.
    @discardableResult
    public static func rotate(database: Database, now: Date, retireOthersAfter: Date) async throws -> String {
        try await database.transaction { connection in
            // One change at a time, so two concurrent rotations cannot both stay current.
            try await lock(connection, logger: database.logger)
            try await connection.query("""
                update signing_keys set retire_after = \(retireOthersAfter) where retire_after is null
                """, logger: database.logger)
            return try await insertNewKey(now: now, on: connection, logger: database.logger)
        }
    }

    /// Creates the first key if there is none (a fresh installation).
    public static func ensureOne(database: Database, now: Date) async throws {
        try await database.transaction { connection in
            try await lock(connection, logger: database.logger)
            let rows = try await connection.query("""
                select count(*)::int from signing_keys where retire_after is null or retire_after > \(now)
                """, logger: database.logger)
            for try await live in rows.decode(Int.self) where live == 0 {
                try await insertNewKey(now: now, on: connection, logger: database.logger)
            }
        }
    }

    /// A transaction-scoped advisory lock (the app role may not lock the table itself).
    private static func lock(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("select pg_advisory_xact_lock(hashtext('pmo.signing_keys'))", logger: logger)
    }

    @discardableResult
    private static func insertNewKey(now: Date, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let key = Curve25519.Signing.PrivateKey()
        let kid = Base64URL.encode(Array(SHA256.hash(data: key.publicKey.rawRepresentation)).prefix(12))
        try await connection.query("""
            insert into signing_keys (kid, algorithm, public_key, private_key, created_at)
            values (\(kid), 'EdDSA', \(ByteBuffer(bytes: key.publicKey.rawRepresentation)),
                    \(ByteBuffer(bytes: key.rawRepresentation)), \(now))
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

    public init() {}

    public func install(_ keys: [SigningKey], at now: Date) {
        state.withLock { state in
            state.keys = Dictionary(keys.map { ($0.kid, $0) }, uniquingKeysWith: { first, _ in first })
            state.current = keys.filter { $0.retireAfter == nil }.max { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
                ?? keys.max { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
            state.lastReload = now
        }
    }

    public func reload(database: Database, now: Date) async throws {
        install(try await SigningKeyStore.live(database: database, now: now), at: now)
    }

    /// The key that signs new tokens.
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
