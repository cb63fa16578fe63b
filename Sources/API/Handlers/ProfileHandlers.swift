import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// The calling member and their personal access tokens (`/v1/members/me`).
extension APIHandler {
    func getCurrentMember(_ input: Operations.GetCurrentMember.Input) async throws -> Operations.GetCurrentMember.Output {
        let member = try await session.run { context in try await me(context) }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: member.version)),
                         body: .json(Self.member.render(member))))
    }

    func listMyTokens(_ input: Operations.ListMyTokens.Input) async throws -> Operations.ListMyTokens.Output {
        let tokens = try await session.run { context in
            try await APIKeyStore(context.scope).keys(of: .member(try await me(context).id))
        }
        return .ok(.init(body: .json(.init(items: tokens.map { KeyMapping.resource($0) }))))
    }

    func createMyToken(_ input: Operations.CreateMyToken.Input) async throws -> Operations.CreateMyToken.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        let requested = body.scopes.map { KeyMapping.scopes($0, at: "/scopes", &checks) }
        let now = session.environment.now()
        if let expiresAt = body.expiresAt { checks.require(expiresAt > now, "/expiresAt", "must be in the future") }
        try checks.throwIfAny()
        let (key, secret) = try await session.run { context in
            let member = try await me(context)
            // No more than the role, and no more than the credential making the token: a narrowed
            // token cannot mint a wider one.
            let allowed = member.role.scopes.intersection(context.principal.scopes)
            let scopes = requested ?? Array(allowed)
            try KeyMapping.requireWithin(scopes, allowed, at: "/scopes",
                                         whose: "both your role \(member.role.rawValue) and this credential")
            let created = try await APIKeyStore(context.scope).insert(
                name: body.name, scopes: scopes, expiresAt: body.expiresAt, id: context.environment.newID(),
                owner: .member(member.id))
            try await audit(context, Operations.CreateMyToken.id, "api_key", created.0.id,
                            changed: ["name", "scopes", "expiresAt"])
            return created
        }
        return .created(.init(body: .json(KeyMapping.resource(key, secret: secret))))
    }

    func revokeMyToken(_ input: Operations.RevokeMyToken.Input) async throws -> Operations.RevokeMyToken.Output {
        guard let tokenID = UUID(uuidString: input.path.tokenId) else {
            throw APIProblem.notFound("Token \(input.path.tokenId)")
        }
        try await session.run { context in
            let member = try await me(context)
            guard let revokedNow = try await APIKeyStore(context.scope).revokeKey(tokenID, of: .member(member.id))
            else {
                throw APIProblem.notFound("Token \(input.path.tokenId)")
            }
            if revokedNow {
                try await audit(context, Operations.RevokeMyToken.id, "api_key", tokenID, changed: ["revokedAt"])
            }
        }
        return .noContent(.init())
    }

    /// The member whose token (personal, or from the tenant's identity provider) made this request; an
    /// API client's key is not a member.
    func me(_ context: TenantSession.Context) async throws -> MemberRecord {
        let memberID: UUID?
        switch context.principal.kind {
        case .apiClient: memberID = nil
        case .member: memberID = context.principal.keyID
        case .apiKey:
            let owner = try await APIKeyStore(context.scope).owner(ofKey: context.principal.keyID)
            if case .member(let id) = owner { memberID = id } else { memberID = nil }
        }
        guard let memberID, let member = try await Self.member.store(context).find(memberID) else {
            throw APIProblem.notAMember
        }
        return member
    }
}
