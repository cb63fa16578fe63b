import APIDefinition
import Auth
import Domain
import Foundation

/// Between the generated wire types and members, invitations and personal access tokens.
enum MemberMapping {
    static func resource(_ record: MemberRecord) -> Components.Schemas.Member {
        Components.Schemas.Member(
            id: record.id.uuidString.lowercased(), email: record.email, name: record.name,
            role: Components.Schemas.Role(rawValue: record.role.rawValue)!,
            status: Components.Schemas.MemberStatus(rawValue: record.status.rawValue)!,
            invitationExpiresAt: record.invitationExpiresAt, activatedAt: record.activatedAt,
            deactivatedAt: record.deactivatedAt, createdAt: record.createdAt, updatedAt: record.updatedAt,
            version: record.version)
    }

    static func etag(_ record: MemberRecord) -> String { "\"\(record.version)\"" }

    static func token(_ record: APIKeyRecord, secret: SecretToken? = nil) -> Components.Schemas.PersonalToken {
        Components.Schemas.PersonalToken(
            id: record.id.uuidString.lowercased(), name: record.name,
            prefix: SecretToken.Kind.apiKey.rawValue + record.publicID, scopes: record.scopes,
            createdAt: record.createdAt, expiresAt: record.expiresAt, revokedAt: record.revokedAt,
            lastUsedAt: record.lastUsedAt, token: secret?.token)
    }

    /// A member's display name: 1–200 characters, not blank, no control characters.
    static func check(name: String?, _ checks: inout FieldChecks) {
        guard let name else { return }
        checks.require(TextRules.isPrintable(name, maxLength: 200) && !TextRules.isBlank(name), "/name",
                       "must be 1–200 characters, not blank, without control characters")
    }

    static func role(_ role: Components.Schemas.Role) -> Role { Role(rawValue: role.rawValue)! }
}
