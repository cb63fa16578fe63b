public import Foundation
public import Persistence
import PostgresNIO

/// An operator's session in the web console, as a request presents it.
public struct ConsoleSession: Sendable, Equatable {
    public let principal: OperatorPrincipal
    /// What every form of the session must send back (the synchronizer token against CSRF).
    public let csrfToken: String
    public let expiresAt: Date
}

/// `pmo.console_sessions`: operators signed in to the console with one of their keys. The cookie
/// holds the session's token (`pmo_cs_...`); the table only its public id and secret's hash.
public enum ConsoleSessionStore {
    /// How long a session lasts from sign-in, whatever is done with it.
    public static let lifetime: TimeInterval = 8 * 3600

    /// Signs in with an operator key: the key is authenticated as the platform API does, then a
    /// session is made for its operator. Returns the session's token (shown only to the browser).
    public static func signIn(with key: SecretToken, database: Database, now: Date) async throws -> (SecretToken, ConsoleSession) {
        let principal = try await OperatorStore.authenticate(key, database: database)
        let token = SecretToken.generate(.consoleSession)
        let csrf = SecretToken.generate(.consoleSession).secret
        let expiresAt = now.addingTimeInterval(lifetime)
        try await database.query("""
            insert into pmo.console_sessions (public_id, secret_hash, operator_id, operator_key_id, csrf_token, created_at, expires_at)
            values (\(token.publicID), \(ByteBuffer(bytes: token.secretHash)), \(principal.operatorID), \(key.publicID), \(csrf), \(now), \(expiresAt))
            """)
        return (token, ConsoleSession(principal: principal, csrfToken: csrf, expiresAt: expiresAt))
    }

    /// The session a token names, if it is still good: not expired, not signed out, and made with a
    /// key that is not revoked by an operator who is not disabled. Anything else is `unknownKey`
    /// (a wrong secret), `expiredKey` (expired or signed out) or `revokedKey`.
    public static func authenticate(_ token: SecretToken, database: Database, now: Date) async throws -> ConsoleSession {
        var found: (hash: [UInt8], keyID: String, csrf: String, expiresAt: Date, signedOutAt: Date?)?
        for try await (hash, keyID, csrf, expiresAt, signedOutAt) in try await database.query("""
            select secret_hash, operator_key_id, csrf_token, expires_at, signed_out_at from pmo.console_sessions
            where public_id = \(token.publicID)
            """).decode((ByteBuffer, String, String, Date, Date?).self) {
            found = (Array(buffer: hash), keyID, csrf, expiresAt, signedOutAt)
        }
        guard let found, token.matches(storedHash: found.hash) else { throw AuthFailure.unknownKey }
        guard found.signedOutAt == nil, found.expiresAt > now else { throw AuthFailure.expiredKey }
        let principal = try await OperatorStore.authenticate(keyID: found.keyID, database: database)
        return ConsoleSession(principal: principal, csrfToken: found.csrf, expiresAt: found.expiresAt)
    }

    /// Ends a session (signing out); a second sign-out changes nothing.
    public static func signOut(_ token: SecretToken, database: Database, now: Date) async throws {
        try await database.query("""
            update pmo.console_sessions set signed_out_at = \(now)
            where public_id = \(token.publicID) and signed_out_at is null
            """)
    }
}
