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
}
