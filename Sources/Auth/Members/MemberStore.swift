import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO

/// A member as stored.
public struct MemberRecord: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var name: String?
    public var role: Role
    public var status: MemberStatus
    public var invitationExpiresAt: Date?
    public var activatedAt: Date?
    public var deactivatedAt: Date?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// A member with this e-mail address exists already in the tenant.
public struct DuplicateMemberEmail: Error, Equatable {
    public let email: String
    /// Nil when the other member was invited concurrently (its id is not known in this transaction).
    public let memberID: UUID?
}

/// SQL for `members` and their personal access tokens, inside a transaction whose tenant is set.
public struct MemberStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = """
        id, email, name, role, status, invitation_expires_at, activated_at, deactivated_at, version, created_at,
        updated_at
        """

    /// Adds an invited member; the returned invitation secret is the only copy. An address whose
    /// invitation is still open, expired or withdrawn (never accepted) gets a new invitation instead,
    /// with the new role and name; an address that has been an active member is a duplicate.
    public func invite(id: UUID, email: String, name: String?, role: Role, at now: Date,
                       expiresAt: Date) async throws -> (MemberRecord, SecretToken) {
        let invitation = SecretToken.generate(.invitation)
        if let existing = try await single("""
            select \(unescaped: Self.columns) from members where tenant_id = \(tenantID) and email = \(email) for update
            """) {
            guard existing.activatedAt == nil else { throw DuplicateMemberEmail(email: email, memberID: existing.id) }
            return (try await reinvite(existing, invitation: invitation, name: name, role: role, at: now,
                                       expiresAt: expiresAt), invitation)
        }
        try await connection.query("select pmo.register_invitation(\(invitation.publicID))", logger: logger)
        do {
            let member = try await single("""
                insert into members (tenant_id, id, email, name, role, status, invitation_public_id, invitation_hash,
                    invitation_expires_at, created_at, updated_at)
                values (\(tenantID), \(id), \(email), \(name), \(role.rawValue), 'invited', \(invitation.publicID),
                    \(ByteBuffer(bytes: invitation.secretHash)), \(expiresAt), \(now), \(now))
                returning \(unescaped: Self.columns)
                """)!
            return (member, invitation)
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateMemberEmail(email: email, memberID: nil)
        }
    }

    /// Replaces a never-accepted member's invitation: the old token stops working.
    private func reinvite(_ member: MemberRecord, invitation: SecretToken, name: String?, role: Role, at now: Date,
                          expiresAt: Date) async throws -> MemberRecord {
        let rows = try await connection.query(
            "select invitation_public_id from members where tenant_id = \(tenantID) and id = \(member.id)", logger: logger)
        for try await old in rows.decode(String?.self) {
            if let old { try await connection.query("select pmo.forget_invitation(\(old))", logger: logger) }
        }
        try await connection.query("select pmo.register_invitation(\(invitation.publicID))", logger: logger)
        return try await single("""
            update members set status = 'invited', role = \(role.rawValue), name = coalesce(\(name), name),
                invitation_public_id = \(invitation.publicID), invitation_hash = \(ByteBuffer(bytes: invitation.secretHash)),
                invitation_expires_at = \(expiresAt), deactivated_at = null, version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(member.id)
            returning \(unescaped: Self.columns)
            """)!
    }

    /// The member, or nil when it does not exist in this tenant. `lock` takes a row lock for a write.
    public func find(_ id: UUID, lock: Bool = false) async throws -> MemberRecord? {
        try await single("""
            select \(unescaped: Self.columns) from members where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """)
    }

    /// A page in id order (ids are UUIDv7, so oldest first), after the cursor's id.
    public func list(status: MemberStatus?, role: Role?, after: UUID?, limit: Int) async throws -> [MemberRecord] {
        try await all(connection.query("""
            select \(unescaped: Self.columns) from members
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(status?.rawValue)::text is null or status = \(status?.rawValue))
              and (\(role?.rawValue)::text is null or role = \(role?.rawValue))
            order by id limit \(limit)
            """, logger: logger))
    }

    /// Active owners' ids, locked: two requests demoting the last two owners at once serialize here,
    /// and the second sees only one owner left.
    public func lockActiveOwners() async throws -> [UUID] {
        var ids: [UUID] = []
        let rows = try await connection.query("""
            select id from members where tenant_id = \(tenantID) and role = 'owner' and status = 'active'
            order by id for update
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// Writes name, role and status (with their timestamps) and bumps the version.
    public func update(_ member: MemberRecord, at now: Date) async throws -> MemberRecord {
        try await single("""
            update members set name = \(member.name), role = \(member.role.rawValue), status = \(member.status.rawValue),
                deactivated_at = \(member.deactivatedAt), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(member.id)
            returning \(unescaped: Self.columns)
            """)!
    }

    func single(_ query: PostgresQuery) async throws -> MemberRecord? {
        try await all(connection.query(query, logger: logger)).first
    }

    func all(_ rows: PostgresRowSequence) async throws -> [MemberRecord] {
        var records: [MemberRecord] = []
        for try await (id, email, name, role, status, invitationExpiresAt, activatedAt, deactivatedAt, version,
                       createdAt, updatedAt) in rows.decode(
            (UUID, String, String?, String, String, Date?, Date?, Date?, Int64, Date, Date).self) {
            guard let role = Role(rawValue: role), let status = MemberStatus(rawValue: status) else {
                throw CorruptRow(table: "members", id: id)
            }
            records.append(MemberRecord(
                id: id, email: email, name: name, role: role, status: status, invitationExpiresAt: invitationExpiresAt,
                activatedAt: activatedAt, deactivatedAt: deactivatedAt, version: version, createdAt: createdAt,
                updatedAt: updatedAt))
        }
        return records
    }
}
