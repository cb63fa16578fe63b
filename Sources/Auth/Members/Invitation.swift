public import Domain
public import Foundation
import Logging
import Persistence
public import PostgresNIO

/// What the database knows about a presented invitation (see `pmo.begin_invitation`).
public struct StoredInvitation: Sendable {
    public let tenantID: TenantID
    public let memberID: UUID
    public let secretHash: [UInt8]
    public let expiresAt: Date
    public let memberStatus: String
    public let tenantStatus: String
}

/// Why an invitation cannot be accepted. Unknown covers a wrong secret and a used invitation too,
/// so a guess learns nothing.
public enum InvitationRefusal: Error, Equatable, Sendable {
    case unknown
    case expired
    case tenantSuspended
}

/// Invitations last seven days and are used once.
public enum Invitation {
    public static let lifetime: TimeInterval = 7 * 24 * 3600

    /// Sets the invitation's tenant for the transaction and returns it; nil for an unknown public id.
    public static func begin(publicID: String, on connection: PostgresConnection,
                             logger: Logger) async throws -> StoredInvitation? {
        let rows = try await connection.query("select * from pmo.begin_invitation(\(publicID))", logger: logger)
        for try await (tenant, member, hash, expiresAt, memberStatus, tenantStatus) in rows.decode(
            (TenantID, UUID, ByteBuffer, Date, String, String).self) {
            return StoredInvitation(tenantID: tenant, memberID: member, secretHash: Array(buffer: hash),
                                    expiresAt: expiresAt, memberStatus: memberStatus, tenantStatus: tenantStatus)
        }
        return nil
    }

    /// The decision, in an order that reveals nothing to someone without the secret.
    public static func check(_ presented: SecretToken, against stored: StoredInvitation?,
                             now: Date) throws(InvitationRefusal) -> StoredInvitation {
        guard let stored, presented.matches(storedHash: stored.secretHash),
              stored.memberStatus == MemberStatus.invited.rawValue
        else { throw .unknown }
        guard stored.expiresAt > now else { throw .expired }
        guard TenantStatus(rawValue: stored.tenantStatus)?.mayUseAPI == true else { throw .tenantSuspended }
        return stored
    }
}

extension MemberStore {
    /// Activates an invited member and spends the invitation (its directory entry goes too).
    public func accept(_ invitation: StoredInvitation, publicID: String, name: String?,
                       at now: Date) async throws -> MemberRecord {
        try await scope.query("select pmo.forget_invitation(\(publicID))")
        // A concurrent acceptance that committed first leaves no invited row to update.
        guard let member = try await rows("""
            update members set status = 'active', name = coalesce(name, \(name)), activated_at = \(now),
                invitation_public_id = null, invitation_hash = null, invitation_expires_at = null,
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(invitation.memberID) and status = 'invited'
            returning \(unescaped: Self.columns)
            """).first else { throw InvitationRefusal.unknown }
        return member
    }
}
