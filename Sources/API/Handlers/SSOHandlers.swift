import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// The tenant's single sign-on configuration (`/v1/sso`): which identity provider's
/// tokens act for the tenant's members.
extension APIHandler {
    func getSSOConfiguration(_ input: Operations.GetSSOConfiguration.Input) async throws -> Operations.GetSSOConfiguration.Output {
        let record = try await session.run { context in try await ssoConfigs(context).find() }
        guard let record else { throw Self.noSSOConfiguration }
        return .ok(.init(headers: .init(eTag: SSOMapping.etag(record)), body: .json(try SSOMapping.resource(record))))
    }

    func putSSOConfiguration(_ input: Operations.PutSSOConfiguration.Input) async throws -> Operations.PutSSOConfiguration.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let fields = try await ssoFields(body)
        let (record, created) = try await session.run { context in
            let store = ssoConfigs(context)
            let current = try await store.find(lock: true)
            if let ifMatch {
                // No configuration matches no entity tag, not even `*`.
                guard let current else { throw APIProblem.preconditionFailed() }
                try Preconditions.check(ifMatch, currentVersion: current.version)
            }
            let saved = try await store.save(fields, id: current?.id ?? context.environment.newID(),
                                             at: context.environment.now())
            try await audit(context, "putSSOConfiguration", "sso_configuration", saved.id,
                            changed: Self.changedFields(from: current, to: saved))
            return (saved, current == nil)
        }
        let resource = try SSOMapping.resource(record)
        let etag = SSOMapping.etag(record)
        return created ? .created(.init(headers: .init(eTag: etag), body: .json(resource)))
                       : .ok(.init(headers: .init(eTag: etag), body: .json(resource)))
    }

    func deleteSSOConfiguration(_ input: Operations.DeleteSSOConfiguration.Input) async throws -> Operations.DeleteSSOConfiguration.Output {
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        try await session.run { context in
            let store = ssoConfigs(context)
            guard let current = try await store.find(lock: true) else { throw Self.noSSOConfiguration }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            _ = try await store.delete()
            try await audit(context, "deleteSSOConfiguration", "sso_configuration", current.id, changed: [])
        }
        return .noContent(.init())
    }

    static let noSSOConfiguration = APIProblem.notFound("An SSO configuration for this tenant")

    /// The request's fields, checked: 422 naming every field that breaks a rule.
    private func ssoFields(_ body: Components.Schemas.SSOConfigurationInput) async throws -> SSOConfigFields {
        var checks = FieldChecks()
        checks.require(SSOMapping.isToken(body.issuer, maxLength: 2048), "/issuer",
                       "must be 1–2048 printable ASCII characters without spaces")
        checks.require(body.issuer != tokens.issuer, "/issuer",
                       "is this service's own access-token issuer")
        checks.require(SSOMapping.isToken(body.audience, maxLength: 2048), "/audience",
                       "must be 1–2048 printable ASCII characters without spaces")
        let emailClaim = body.emailClaim ?? "email"
        checks.require(SSOMapping.isToken(emailClaim, maxLength: 100), "/emailClaim",
                       "must be 1–100 printable ASCII characters without spaces")
        var keys: SSOKeySource?
        switch (body.jwksUrl, body.jwks) {
        case (let url?, nil):
            checks.require(KeySetURLPolicy(allowInsecure: ssoAllowsInsecureKeySets).accepts(url), "/jwksUrl",
                           ssoAllowsInsecureKeySets ? "must be an http or https URL with a host"
                                                    : "must be an https URL of a public host")
            keys = .url(url)
        case (nil, let document?):
            do {
                let json = String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
                _ = try await ProviderKeySet.parse(Data(json.utf8), strict: true)
                // PostgreSQL's jsonb holds no NUL character; nothing in a key set needs one.
                checks.require(!json.contains("\\u0000"), "/jwks", "must not contain NUL characters")
                keys = .inline(json)
            } catch let problem as ProviderKeySet.Problem {
                checks.require(false, "/jwks" + problem.pointer, problem.detail)
            }
        default:
            checks.require(false, "/jwksUrl", "give exactly one of jwksUrl and jwks")
        }
        try checks.throwIfAny()
        guard let keys else { throw APIProblem.internalError }
        return SSOConfigFields(issuer: body.issuer, audience: body.audience, keys: keys, emailClaim: emailClaim)
    }

    private static func changedFields(from old: SSOConfigRecord?, to new: SSOConfigRecord) -> [String] {
        let fields: [(String, (SSOConfigRecord) -> String?)] = [
            ("issuer", \.issuer), ("audience", \.audience), ("jwksUrl", \.jwksURL), ("jwks", \.jwks),
            ("emailClaim", \.emailClaim),
        ]
        return fields.compactMap { name, value in
            guard let old else { return value(new) == nil ? nil : name }
            return value(old) == value(new) ? nil : name
        }
    }

    private func ssoConfigs(_ context: TenantSession.Context) -> SSOConfigStore {
        SSOConfigStore(context.scope)
    }
}
