import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// Members: invitation, listing, role and status changes.
extension APIHandler {
    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let status = input.query.status.flatMap { MemberStatus(rawValue: $0.rawValue) }
        let role = input.query.role.map(MemberMapping.role)
        let page = try await session.run { context in
            try await members(context).list(status: status, role: role, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(MemberMapping.resource), nextCursor: next))))
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
            let (member, invitation) = try await members(context).invite(
                id: context.environment.newID(), email: email!, name: body.name, role: role, at: now,
                expiresAt: now.addingTimeInterval(Invitation.lifetime))
            try await audit(context, "inviteMember", "member", member.id, changed: ["email", "name", "role"])
            return .created(.init(
                headers: .init(location: "/v1/members/\(member.id.uuidString.lowercased())", eTag: MemberMapping.etag(member)),
                body: .json(.init(member: MemberMapping.resource(member),
                                  invitation: .init(token: invitation.token, expiresAt: member.invitationExpiresAt!)))))
        }
    }

    func getMember(_ input: Operations.GetMember.Input) async throws -> Operations.GetMember.Output {
        let id = try memberID(input.path.memberId)
        let member = try await session.run { context in try await members(context).find(id) }
        guard let member else { throw APIProblem.notFound("Member \(input.path.memberId)") }
        return .ok(.init(headers: .init(eTag: MemberMapping.etag(member)), body: .json(MemberMapping.resource(member))))
    }

    func updateMember(_ input: Operations.UpdateMember.Input) async throws -> Operations.UpdateMember.Output {
        let patch: Components.Schemas.MemberPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try memberID(input.path.memberId)
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let record = try await session.run { context in
            let presence = JSONPresence(rawBody: context.rawBody)
            var checks = FieldChecks()
            checks.requireName(patch.name)
            try checks.throwIfAny()
            let store = members(context)
            // Owners are locked first, in id order, by every change of role or status: concurrent
            // demotions of the last two owners then serialize instead of both passing the check.
            let owners = patch.role != nil || patch.status != nil ? try await store.lockActiveOwners() : []
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("Member \(input.path.memberId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            var next = current
            if presence.keys.contains("name") { next.name = patch.name }
            if let role = patch.role { next.role = MemberMapping.role(role) }
            if let status = patch.status { next.status = MemberStatus(rawValue: status.rawValue)! }
            try MemberChange(role: current.role, status: current.status).check(
                to: MemberChange(role: next.role, status: next.status), hasBeenActive: current.activatedAt != nil,
                callerScopes: context.principal.scopes, activeOwners: owners.count)
            var changed: [String] = []
            if next.name != current.name { changed.append("name") }
            if next.role != current.role { changed.append("role") }
            if next.status != current.status { changed.append("status") }
            guard !changed.isEmpty else { return current }
            let now = context.environment.now()
            if next.status != current.status { next.deactivatedAt = next.status == .deactivated ? now : nil }
            let updated = try await store.update(next, at: now)
            // The member's tokens follow at once: narrowed to the new role, revoked on deactivation.
            if next.role != current.role {
                try await APIKeyStore(context.scope).narrowKeys(of: .member(id), to: next.role.scopes)
            }
            if next.status == .deactivated {
                try await APIKeyStore(context.scope).revokeKeys(of: .member(id))
            }
            try await audit(context, "updateMember", "member", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: MemberMapping.etag(record)), body: .json(MemberMapping.resource(record))))
    }

    func acceptInvitation(_ input: Operations.AcceptInvitation.Input) async throws -> Operations.AcceptInvitation.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        try checks.throwIfAny()
        guard let presented = SecretToken(token: body.token, kind: .invitation) else { throw InvitationRefusal.unknown }
        RequestScope.current?.credentialPrefix.withLock { $0 = presented.publicID }
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
            for (operation, type, id) in [("acceptInvitation", "member", member.id), ("createMyToken", "api_key", key.id)] {
                try await AuditLog(scope).record(
                    AuditEntry(actor: .member(member.id), operation: operation, resourceType: type, resourceID: id,
                               requestID: requestID, changedFields: operation == "acceptInvitation" ? ["status"] : [],
                               clientAddress: RequestScope.current?.clientAddress),
                    id: environment.newID(), at: now)
            }
            return (member, key, secret)
        }
        return .ok(.init(body: .json(.init(member: MemberMapping.resource(member),
                                           accessToken: KeyMapping.resource(key, secret: secret)))))
    }

    func members(_ context: TenantSession.Context) -> MemberStore {
        MemberStore(context.scope)
    }

    /// A path id that is not a UUID names nothing: 404, as for an id that exists nowhere.
    private func memberID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw APIProblem.notFound("Member \(text)") }
        return id
    }
}
