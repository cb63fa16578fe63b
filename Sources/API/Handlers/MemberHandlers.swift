import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// Members: invitation, listing, role and status changes.
extension APIHandler {
    static let member = ResourceKind<MemberStore, Components.Schemas.Member>(
        noun: "Member", auditType: "member",
        fields: [.init("name", \.name), .init("role", \.role), .init("status", \.status)],
        store: { MemberStore($0.scope) }, render: MemberMapping.resource)

    /// Members for a change of role or status: the tenant's active owners are locked first, in id
    /// order, before the member is found, so concurrent demotions of the last two owners serialize
    /// instead of both passing the check (the store holds the owners for it).
    static let memberLockingOwners = ResourceKind<MemberStore, Components.Schemas.Member>(
        noun: member.noun, auditType: member.auditType, fields: member.fields,
        store: { try await MemberStore($0.scope).lockingActiveOwners() }, render: member.render)

    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let status = input.query.status.map(MemberStatus.init)
        let role = input.query.role.map(MemberMapping.role)
        let page = try await session.run { context in
            try await Self.member.store(context).list(status: status, role: role, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.member.render), nextCursor: next))))
    }

    func inviteMember(_ input: Operations.InviteMember.Input) async throws -> Operations.InviteMember.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let email = EmailAddress.normalize(body.email)
        checks.require(email != nil, "/email", "must be an e-mail address: printable ASCII, one @, 3–254 characters")
        checks.requireName(body.name)
        try checks.throwIfAny()
        let role = MemberMapping.role(body.role)
        return try await session.run { context in
            guard role.isGrantable(by: context.principal.scopes) else { throw MemberRuleViolation.roleNotGrantable(role) }
            let now = context.environment.now()
            try await QuotaGuard(context.scope).require(.members, today: CalendarDate(utcDate: now))
            let (member, invitation) = try await Self.member.store(context).invite(
                id: context.environment.newID(), email: email!, name: body.name, role: role, at: now,
                expiresAt: now.addingTimeInterval(Invitation.lifetime))
            // What the inviter chose; an invitee's status is always invited.
            try await audit(context, Operations.InviteMember.id, Self.member.auditType, member.id,
                            changed: ["email", "name", "role"])
            return .created(.init(
                headers: .init(location: "/v1/members/\(member.id.wire)", eTag: Preconditions.etag(version: member.version)),
                body: .json(.init(member: Self.member.render(member),
                                  invitation: .init(token: invitation.token, expiresAt: member.invitationExpiresAt!)))))
        }
    }

    func getMember(_ input: Operations.GetMember.Input) async throws -> Operations.GetMember.Output {
        let (member, etag) = try await read(Self.member, input.path.memberId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(member)))
    }

    func updateMember(_ input: Operations.UpdateMember.Input) async throws -> Operations.UpdateMember.Output {
        let patch: Components.Schemas.MemberPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.member.id(input.path.memberId)
        var checks = FieldChecks()
        checks.requireName(patch.name)
        try checks.throwIfAny()
        let kind = patch.role != nil || patch.status != nil ? Self.memberLockingOwners : Self.member
        let member = try await lockedWrite(kind, input.path.memberId, id) { context, store, current in
            var next = current
            if context.body.names("name") { next.name = patch.name }
            if let role = patch.role { next.role = MemberMapping.role(role) }
            if let status = patch.status { next.status = MemberStatus(status) }
            try MemberChange(role: current.role, status: current.status).check(
                to: MemberChange(role: next.role, status: next.status), hasBeenActive: current.activatedAt != nil,
                callerScopes: context.principal.scopes, activeOwners: store.activeOwners.count)
            let changed = kind.changed(from: current, to: next)
            guard !changed.isEmpty else { return current }
            let now = context.environment.now()
            // Reactivating takes a seat again, as an invitation does.
            if current.status == .deactivated && next.status == .active {
                try await QuotaGuard(context.scope).require(.members, today: CalendarDate(utcDate: now))
            }
            if next.status != current.status { next.deactivatedAt = next.status == .deactivated ? now : nil }
            let updated = try await store.update(next, at: now)
            // The member's tokens follow at once: narrowed to the new role, revoked on deactivation.
            if next.role != current.role {
                try await APIKeyStore(context.scope).narrowKeys(of: .member(id), to: next.role.scopes)
            }
            if next.status == .deactivated {
                try await APIKeyStore(context.scope).revokeKeys(of: .member(id))
            }
            try await audit(context, Operations.UpdateMember.id, kind.auditType, id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: member.version)),
                         body: .json(kind.render(member))))
    }

    func acceptInvitation(_ input: Operations.AcceptInvitation.Input) async throws -> Operations.AcceptInvitation.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        try checks.throwIfAny()
        guard let presented = SecretToken(token: body.token, kind: .invitation) else { throw InvitationRefusal.unknown }
        RequestScope.current?.recordAuthentication { $0.bodyCredentialPrefix = presented.publicID }
        let environment = session.environment
        let (member, key, secret) = try await session.withoutKey { connection, requestID, logger in
            let stored = try await Invitation.begin(publicID: presented.publicID, on: connection, logger: logger)
            let now = environment.now()
            let invitation = try Invitation.check(presented, against: stored, now: now)
            let scope = TenantScope(connection: connection, tenantID: invitation.tenantID, logger: logger)
            let member = try await MemberStore(scope).accept(invitation, publicID: presented.publicID, name: body.name, at: now)
            let (key, secret) = try await APIKeyStore(scope).insert(
                name: "First token", scopes: Array(member.role.scopes), expiresAt: nil, id: environment.newID(),
                owner: .member(member.id))
            let entries = [(Operations.AcceptInvitation.id, Self.member.auditType, member.id, ["status"]),
                           (Operations.CreateMyToken.id, "api_key", key.id, [])]
            for (operation, type, id, changed) in entries {
                try await AuditLog(scope).record(
                    AuditEntry(actor: .member(member.id), operation: operation, resourceType: type, resourceID: id,
                               requestID: requestID, changedFields: changed,
                               clientAddress: RequestScope.current?.clientAddress),
                    id: environment.newID(), at: now)
            }
            return (member, key, secret)
        }
        return .ok(.init(body: .json(.init(member: Self.member.render(member),
                                           accessToken: KeyMapping.resource(key, secret: secret)))))
    }
}
