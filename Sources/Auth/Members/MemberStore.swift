public import Domain
public import Foundation
public import Persistence
public import PostgresNIO

/// A member as stored.
public struct MemberRecord: VersionedRow, Equatable {
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

/// `members`: the people of a tenant, invited, active or deactivated.
public struct MemberStore: UpdatableTable {
    public let scope: TenantScope
    /// The tenant's active owners, locked, when the store was made by `lockingActiveOwners`.
    public private(set) var activeOwners: [UUID] = []
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "members"
    public static let columns = """
        id, email, name, role, status, invitation_expires_at, activated_at, deactivated_at, version, created_at,
        updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> MemberRecord {
        let (id, email, name, role, status, invitationExpiresAt, activatedAt, deactivatedAt, version, createdAt,
             updatedAt) = try row.decode(
                (UUID, String, String?, String, String, Date?, Date?, Date?, Int64, Date, Date).self)
        guard let role = Role(rawValue: role), let status = MemberStatus(rawValue: status) else { throw Self.corrupt(id) }
        return MemberRecord(
            id: id, email: email, name: name, role: role, status: status, invitationExpiresAt: invitationExpiresAt,
            activatedAt: activatedAt, deactivatedAt: deactivatedAt, version: version, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// The address was invited concurrently (one committed before is found first, and named with its id).
    public static func error(for violation: ConstraintViolation, writing row: MemberRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateMemberEmail(email: row.email, memberID: nil) : nil
    }

    /// Adds an invited member; the returned invitation secret is the only copy. An address whose
    /// invitation is still open, expired or withdrawn (never accepted) gets a new invitation instead,
    /// with the new role and name; an address that has been an active member is a duplicate.
    public func invite(id: UUID, email: String, name: String?, role: Role, at now: Date,
                       expiresAt: Date) async throws -> (MemberRecord, SecretToken) {
        let invitation = SecretToken.generate(.invitation)
        if let existing = try await rows("""
            select \(unescaped: Self.columns) from members where tenant_id = \(tenantID) and email = \(email) for update
            """).first {
            guard existing.activatedAt == nil else { throw DuplicateMemberEmail(email: email, memberID: existing.id) }
            return (try await reinvite(existing, invitation: invitation, name: name, role: role, at: now,
                                       expiresAt: expiresAt), invitation)
        }
        try await scope.query("select pmo.register_invitation(\(invitation.publicID))")
        let member = MemberRecord(
            id: id, email: email, name: name, role: role, status: .invited, invitationExpiresAt: expiresAt,
            activatedAt: nil, deactivatedAt: nil, version: 1, createdAt: now, updatedAt: now)
        return (try await write("""
            insert into members (tenant_id, id, email, name, role, status, invitation_public_id, invitation_hash,
                invitation_expires_at, created_at, updated_at)
            values (\(tenantID), \(id), \(email), \(name), \(role.rawValue), 'invited', \(invitation.publicID),
                \(ByteBuffer(bytes: invitation.secretHash)), \(expiresAt), \(now), \(now))
            returning \(unescaped: Self.columns)
            """, member), invitation)
    }

    /// Replaces a never-accepted member's invitation: the old token stops working.
    private func reinvite(_ member: MemberRecord, invitation: SecretToken, name: String?, role: Role, at now: Date,
                          expiresAt: Date) async throws -> MemberRecord {
        let old = try await scope.query(
            "select invitation_public_id from members where tenant_id = \(tenantID) and id = \(member.id)")
        for try await old in old.decode(String?.self) {
            if let old { try await scope.query("select pmo.forget_invitation(\(old))") }
        }
        try await scope.query("select pmo.register_invitation(\(invitation.publicID))")
        return try await write("""
            update members set status = 'invited', role = \(role.rawValue), name = coalesce(\(name), name),
                invitation_public_id = \(invitation.publicID), invitation_hash = \(ByteBuffer(bytes: invitation.secretHash)),
                invitation_expires_at = \(expiresAt), deactivated_at = null, version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(member.id)
            returning \(unescaped: Self.columns)
            """, member)
    }

    /// A page in id order (ids are UUIDv7, so oldest first), after the cursor's id, of the members
    /// with this status and role (or any).
    public func list(status: MemberStatus?, role: Role?, after: UUID?, limit: Int) async throws -> [MemberRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from members
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(status?.rawValue)::text is null or status = \(status?.rawValue))
              and (\(role?.rawValue)::text is null or role = \(role?.rawValue))
            order by id limit \(limit)
            """)
    }

    /// Active owners' ids, locked: two requests demoting the last two owners at once serialize here,
    /// and the second sees only one owner left.
    public func lockActiveOwners() async throws -> [UUID] {
        var ids: [UUID] = []
        let rows = try await scope.query("""
            select id from members where tenant_id = \(tenantID) and role = 'owner' and status = 'active'
            order by id for update
            """)
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// This store, having locked the active owners (`lockActiveOwners`) before any member is found:
    /// a change of role or status checks `activeOwners`, and every such change locks in the same order.
    public func lockingActiveOwners() async throws -> MemberStore {
        var store = self
        store.activeOwners = try await lockActiveOwners()
        return store
    }

    /// Writes name, role and status (with their timestamps) and bumps the version.
    public func update(_ member: MemberRecord, at now: Date) async throws -> MemberRecord {
        try await write("""
            update members set name = \(member.name), role = \(member.role.rawValue), status = \(member.status.rawValue),
                deactivated_at = \(member.deactivatedAt), version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(member.id)
            returning \(unescaped: Self.columns)
            """, member)
    }
}
