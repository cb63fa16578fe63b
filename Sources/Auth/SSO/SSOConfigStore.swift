import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO

/// A tenant's single sign-on configuration as stored: exactly one of `jwksURL` and `jwks` (the
/// inline JWKS document, as JSON text) is set.
public struct SSOConfigRecord: Sendable, Equatable {
    public var id: UUID
    public var issuer: String
    public var audience: String
    public var jwksURL: String?
    public var jwks: String?
    public var emailClaim: String
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// What an owner asks for with `PUT /v1/sso`, already validated.
public struct SSOConfigFields: Sendable, Equatable {
    public var issuer: String
    public var audience: String
    public var keys: SSOKeySource
    public var emailClaim: String

    public init(issuer: String, audience: String, keys: SSOKeySource, emailClaim: String) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.emailClaim = emailClaim
    }
}

/// Where an identity provider's signing keys come from.
public enum SSOKeySource: Sendable, Equatable {
    case url(String)
    /// A JWKS document (JSON text).
    case inline(String)
}

/// Another tenant trusts this issuer for this audience already: a token could not tell the two apart.
public struct SSOIssuerInUse: Error, Equatable {
    public let issuer: String
    public let audience: String
}

/// The configuration a token's issuer and audiences select (`pmo.sso_config_for`), read before any
/// tenant is known.
public struct SSOTrust: Sendable, Equatable {
    public var tenantID: UUID
    public var version: Int64
    public var audience: String
    public var keys: SSOKeySource
    public var emailClaim: String
}

/// SQL for `sso_configs`, inside a transaction whose tenant is set.
public struct SSOConfigStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    /// The tenant's configuration; `lock` takes a row lock for a write.
    public func find(lock: Bool = false) async throws -> SSOConfigRecord? {
        let rows = try await connection.query("""
            select id, issuer, audience, jwks_url, jwks::text, email_claim, version, created_at, updated_at
            from sso_configs where tenant_id = \(tenantID) \(unescaped: lock ? "for update" : "")
            """, logger: logger)
        for try await (id, issuer, audience, jwksURL, jwks, emailClaim, version, createdAt, updatedAt) in rows.decode(
            (UUID, String, String, String?, String?, String, Int64, Date, Date).self) {
            return SSOConfigRecord(id: id, issuer: issuer, audience: audience, jwksURL: jwksURL, jwks: jwks,
                                   emailClaim: emailClaim, version: version, createdAt: createdAt, updatedAt: updatedAt)
        }
        return nil
    }

    /// Creates the configuration (with `id`) or replaces the existing one, bumping its version: tokens
    /// verified against the previous version are refused from their next request on.
    public func save(_ fields: SSOConfigFields, id: UUID, at now: Date) async throws -> SSOConfigRecord {
        let (jwksURL, jwks): (String?, String?) = switch fields.keys {
        case .url(let url): (url, nil)
        case .inline(let document): (nil, document)
        }
        do {
            // Read to the end: a statement's error arrives with its result, not when it is sent.
            _ = try await connection.query(
                "select pmo.claim_sso_issuer(\(fields.issuer), \(fields.audience))", logger: logger).collect()
            try await connection.query("""
                insert into sso_configs (tenant_id, id, issuer, audience, jwks_url, jwks, email_claim, created_at, updated_at)
                values (\(tenantID), \(id), \(fields.issuer), \(fields.audience), \(jwksURL), \(jwks)::jsonb,
                        \(fields.emailClaim), \(now), \(now))
                on conflict (tenant_id) do update set
                    issuer = excluded.issuer, audience = excluded.audience, jwks_url = excluded.jwks_url,
                    jwks = excluded.jwks, email_claim = excluded.email_claim,
                    version = sso_configs.version + 1, updated_at = excluded.updated_at
                """, logger: logger)
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw SSOIssuerInUse(issuer: fields.issuer, audience: fields.audience)
        }
        guard let saved = try await find() else { throw CorruptRow(table: "sso_configs", id: id) }
        return saved
    }

    /// Removes the configuration; false when there was none. Tokens of its provider stop at once.
    public func delete() async throws -> Bool {
        let rows = try await connection.query(
            "delete from sso_configs where tenant_id = \(tenantID) returning id", logger: logger)
        var deleted = false
        for try await _ in rows { deleted = true }
        try await connection.query("select pmo.release_sso_issuer()", logger: logger)
        return deleted
    }

    /// The configurations trusting `issuer` for one of `audiences` (at most two are read: more than
    /// one means the token is ambiguous).
    public static func trusts(issuer: String, audiences: [String], database: Database) async throws -> [SSOTrust] {
        let rows = try await database.query("select * from pmo.sso_config_for(\(issuer), \(audiences))")
        var trusts: [SSOTrust] = []
        for try await (tenantID, version, audience, jwksURL, jwks, emailClaim) in rows.decode(
            (UUID, Int64, String, String?, String?, String).self) {
            guard let keys = jwksURL.map(SSOKeySource.url) ?? jwks.map(SSOKeySource.inline) else {
                throw CorruptRow(table: "sso_configs", id: tenantID)
            }
            trusts.append(SSOTrust(tenantID: tenantID, version: version, audience: audience, keys: keys,
                                   emailClaim: emailClaim))
        }
        return trusts
    }
}
