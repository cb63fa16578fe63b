import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// The tenant's single sign-on configuration (`/v1/sso`): which identity provider's
/// tokens act for the tenant's members.
extension APIHandler {
    /// The audit log's resource type for the configuration.
    private static let ssoAuditType = "sso_configuration"

    func getSSOConfiguration(_ input: Operations.GetSSOConfiguration.Input) async throws -> Operations.GetSSOConfiguration.Output {
        let record = try await session.run { context in try await SSOConfigStore(context.scope).find() }
        guard let record else { throw Self.noSSOConfiguration }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(try SSOMapping.resource(record))))
    }

    func putSSOConfiguration(_ input: Operations.PutSSOConfiguration.Input) async throws -> Operations.PutSSOConfiguration.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let fields = try await ssoFields(body)
        let (record, created) = try await lockedSSOConfiguration(missing: nil) { context, store, current in
            let saved = try await store.save(fields, id: current?.id ?? context.environment.newID(),
                                             at: context.environment.now())
            try await audit(context, Operations.PutSSOConfiguration.id, Self.ssoAuditType, saved.id,
                            changed: Self.changedFields(from: current, to: saved))
            return (saved, current == nil)
        }
        let resource = try SSOMapping.resource(record)
        let etag = Preconditions.etag(version: record.version)
        return created ? .created(.init(headers: .init(eTag: etag), body: .json(resource)))
                       : .ok(.init(headers: .init(eTag: etag), body: .json(resource)))
    }

    func deleteSSOConfiguration(_ input: Operations.DeleteSSOConfiguration.Input) async throws -> Operations.DeleteSSOConfiguration.Output {
        try await lockedSSOConfiguration(missing: Self.noSSOConfiguration) { context, store, current in
            // A missing configuration was 404 already.
            guard let current else { throw Self.noSSOConfiguration }
            _ = try await store.delete()
            try await audit(context, Operations.DeleteSSOConfiguration.id, Self.ssoAuditType, current.id, changed: [])
        }
        return .noContent(.init())
    }

    /// What PUT and DELETE share, as `lockedWrite` is for a resource with a path id: in one transaction,
    /// find the tenant's configuration locked, then check `If-Match` against it. A missing one is
    /// `missing` when that is given (so `work` sees one); otherwise `work` creates it, unless `If-Match`
    /// names a version: no configuration matches an entity tag, not even `*` (412).
    private func lockedSSOConfiguration<Result: Sendable>(
        missing: APIProblem?, _ work: (TenantSession.Context, SSOConfigStore, SSOConfigRecord?) async throws -> Result
    ) async throws -> Result {
        try await conditionalWrite(missing: missing ?? .internalError, find: { context in
            let store = SSOConfigStore(context.scope)
            let current = try await store.find(lock: true)
            return current == nil && missing != nil ? nil : (store, current)
        }, version: { $0.1?.version }) { context, found in
            try await work(context, found.0, found.1)
        }
    }

    static let noSSOConfiguration = APIProblem.notFound("An SSO configuration for this tenant")

    /// The request's fields, checked: 422 naming every field that breaks a rule.
    private func ssoFields(_ body: Components.Schemas.SSOConfigurationInput) async throws -> SSOConfigFields {
        var checks = FieldChecks()
        checks.require(SSOConfigFields.isToken(body.issuer, maxLength: 2048), "/issuer",
                       "must be 1–2048 printable ASCII characters without spaces")
        checks.require(body.issuer != tokens.issuer, "/issuer",
                       "is this service's own access-token issuer")
        checks.require(SSOConfigFields.isToken(body.audience, maxLength: 2048), "/audience",
                       "must be 1–2048 printable ASCII characters without spaces")
        let emailClaim = body.emailClaim ?? "email"
        checks.require(SSOConfigFields.isToken(emailClaim, maxLength: 100), "/emailClaim",
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
}
