import Domain
public import Foundation
public import Persistence
public import PostgresNIO

/// A tenant's single sign-on configuration as stored: exactly one of `jwksURL` and `jwks` (the
/// inline JWKS document, as JSON text) is set.
public struct SSOConfigRecord: VersionedRow, Equatable {
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

    /// An issuer, audience or claim name: printable ASCII without spaces, as they appear in tokens.
    public static func isToken(_ text: String, maxLength: Int) -> Bool {
        (1...maxLength).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
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

/// `sso_configs`: at most one configuration per tenant, so it is found without an id.
public struct SSOConfigStore: TenantTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "sso_configs"
    public static let columns = "id, issuer, audience, jwks_url, jwks::text, email_claim, version, created_at, updated_at"

    public static func decode(_ row: PostgresRow) throws -> SSOConfigRecord {
        let (id, issuer, audience, jwksURL, jwks, emailClaim, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, String, String?, String?, String, Int64, Date, Date).self)
        return SSOConfigRecord(id: id, issuer: issuer, audience: audience, jwksURL: jwksURL, jwks: jwks,
                               emailClaim: emailClaim, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: SSOConfigRecord) -> (any Error)? {
        violation.kind == .unique ? SSOIssuerInUse(issuer: row.issuer, audience: row.audience) : nil
    }

    /// The tenant's configuration; `lock` takes a row lock for a write.
    public func find(lock: Bool = false) async throws -> SSOConfigRecord? {
        try await rows("""
            select \(unescaped: Self.columns) from sso_configs
            where tenant_id = \(tenantID) \(unescaped: lock ? "for update" : "")
            """).first
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
            _ = try await scope.query("select pmo.claim_sso_issuer(\(fields.issuer), \(fields.audience))").collect()
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw SSOIssuerInUse(issuer: fields.issuer, audience: fields.audience)
        }
        let config = SSOConfigRecord(id: id, issuer: fields.issuer, audience: fields.audience, jwksURL: jwksURL,
                                     jwks: jwks, emailClaim: fields.emailClaim, version: 1, createdAt: now, updatedAt: now)
        return try await write("""
            insert into sso_configs (tenant_id, id, issuer, audience, jwks_url, jwks, email_claim, created_at, updated_at)
            values (\(tenantID), \(id), \(fields.issuer), \(fields.audience), \(jwksURL), \(jwks)::jsonb,
                    \(fields.emailClaim), \(now), \(now))
            on conflict (tenant_id) do update set
                issuer = excluded.issuer, audience = excluded.audience, jwks_url = excluded.jwks_url,
                jwks = excluded.jwks, email_claim = excluded.email_claim,
                version = sso_configs.version + 1, updated_at = excluded.updated_at
            returning \(unescaped: Self.columns)
            """, config)
    }

    /// Removes the configuration and releases its issuer; false when there was none. Tokens of its
    /// provider stop at once. (The protocol's `delete(_:)` would keep the issuer claimed: use this.)
    public func delete() async throws -> Bool {
        var deleted = false
        for try await _ in try await scope.query("delete from sso_configs where tenant_id = \(tenantID) returning id") {
            deleted = true
        }
        try await scope.query("select pmo.release_sso_issuer()")
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
