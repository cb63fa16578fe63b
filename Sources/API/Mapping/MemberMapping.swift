import APIDefinition
import Auth
import Domain
import Foundation

/// Between the generated wire types and members, invitations and personal access tokens.
enum MemberMapping {
    static func resource(_ record: MemberRecord) -> Components.Schemas.Member {
        Components.Schemas.Member(
            id: record.id.wire, email: record.email, name: record.name,
            role: Components.Schemas.Role(record.role),
            status: Components.Schemas.MemberStatus(record.status),
            invitationExpiresAt: record.invitationExpiresAt, activatedAt: record.activatedAt,
            deactivatedAt: record.deactivatedAt, createdAt: record.createdAt, updatedAt: record.updatedAt,
            version: record.version)
    }

    static func role(_ role: Components.Schemas.Role) -> Role { Role(role) }
}
