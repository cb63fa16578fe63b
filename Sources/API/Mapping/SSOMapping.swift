import APIDefinition
import Auth
import Foundation

/// Between the generated wire types and the tenant's SSO configuration.
enum SSOMapping {
    static func resource(_ record: SSOConfigRecord) throws -> Components.Schemas.SSOConfiguration {
        Components.Schemas.SSOConfiguration(
            id: record.id.wire, issuer: record.issuer, audience: record.audience,
            jwksUrl: record.jwksURL, jwks: try record.jwks.map { try JSONDecoder().decode(Components.Schemas.JWKSet.self, from: Data($0.utf8)) },
            emailClaim: record.emailClaim, createdAt: record.createdAt, updatedAt: record.updatedAt,
            version: record.version)
    }

    /// An issuer, audience or claim name: printable ASCII without spaces, as they appear in tokens.
    static func isToken(_ text: String, maxLength: Int) -> Bool {
        (1...maxLength).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
