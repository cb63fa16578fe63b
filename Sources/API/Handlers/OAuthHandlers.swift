import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// The client credentials grant and the key set that verifies its tokens.
extension APIHandler {
    typealias TokenOutput = Operations.IssueAccessToken.Output

    func issueAccessToken(_ input: Operations.IssueAccessToken.Input) async throws -> TokenOutput {
        guard case .urlEncodedForm(let form) = input.body else { throw APIProblem.badRequest("Expected a form body.") }
        guard let grantType = form.grantType else { return Self.oauthError(.invalidRequest, "grant_type is required.") }
        guard grantType == "client_credentials" else {
            return Self.oauthError(.unsupportedGrantType, "Only client_credentials is supported.")
        }
        let basic = RequestScope.rawHeader("Authorization").map(Self.basicCredentials)
        if basic != nil, form.clientId != nil || form.clientSecret != nil {
            return Self.oauthError(.invalidRequest, "Authenticate with HTTP Basic or with the body, not both.")
        }
        guard let (clientText, secretText) = basic ?? (form.clientId ?? "", form.clientSecret ?? ""),
              let clientID = UUID(uuidString: clientText), let secret = SecretToken(token: secretText)
        else { return Self.invalidClient("Unknown client or secret.", basic: basic != nil) }
        RequestScope.current?.recordAuthentication { $0.bodyCredentialPrefix = secret.publicID }
        var requested: [Scope]?
        if let scope = form.scope {
            let names = scope.split(separator: " ", omittingEmptySubsequences: true)
            requested = names.compactMap { Scope(rawValue: String($0)) }
            guard requested?.count == names.count, !names.isEmpty else {
                return Self.oauthError(.invalidScope, "Unknown scope in \(scope.prefix(200)).")
            }
        }
        let environment = session.environment
        let now = environment.now()
        let decision = try await session.withoutKey { connection, requestID, logger -> TokenDecision in
            guard let stored = try await KeyDirectory.beginRequest(publicID: secret.publicID, on: connection, logger: logger),
                  secret.matches(storedHash: stored.secretHash), stored.revokedAt == nil,
                  stored.expiresAt.map({ $0 > now }) ?? true,
                  try await APIKeyStore(TenantScope(connection: connection, tenantID: stored.tenantID, logger: logger))
                      .owner(ofKey: stored.keyID) == .client(clientID)
            else { return .refused(.invalidClient, "Unknown client or secret.") }
            guard TenantStatus(rawValue: stored.tenantStatus)?.mayUseAPI == true else {
                return .refused(.invalidClient, "The organisation's access is suspended.")
            }
            let held = Set(stored.scopes.compactMap(Scope.init(rawValue:)))
            let granted = requested ?? Array(held)
            guard Set(granted).isSubset(of: held) else {
                return .refused(.invalidScope, "The key does not hold every requested scope.")
            }
            RequestScope.current?.recordAuthentication { $0.meteredTenant = stored.tenantID }
            // Never beyond the key that obtains it.
            let expiresAt = min(now.addingTimeInterval(AccessToken.lifetime), stored.expiresAt ?? .distantFuture)
            let claims = AccessTokenClaims(
                issuer: tokens.issuer, tenantID: stored.tenantID, clientID: clientID, keyID: stored.keyID, scopes: granted,
                issuedAt: now, expiresAt: expiresAt, tokenID: environment.newID())
            try await AuditLog(TenantScope(connection: connection, tenantID: stored.tenantID, logger: logger)).record(
                AuditEntry(actor: .apiKey(stored.keyID), operation: Operations.IssueAccessToken.id,
                           resourceType: Self.apiClient.auditType, resourceID: clientID, requestID: requestID,
                           changedFields: [], clientAddress: RequestScope.current?.clientAddress),
                id: environment.newID(), at: now)
            session.keyUsage.recordUse(keyID: stored.keyID, tenantID: stored.tenantID, at: now)
            return .granted(claims)
        }
        switch decision {
        case .refused(let error, let description):
            return error == .invalidClient ? Self.invalidClient(description, basic: basic != nil)
                : Self.oauthError(error, description)
        case .granted(let claims):
            let (token, claims) = try await tokens.issue(claims, now: now)
            return .ok(.init(headers: .init(cacheControl: "no-store"), body: .json(.init(
                accessToken: token, tokenType: .bearer, expiresIn: Int(claims.expiresAt.timeIntervalSince(now).rounded(.down)),
                scope: claims.scopes.map(\.rawValue).sorted().joined(separator: " ")))))
        }
    }

    func getJsonWebKeySet(_ input: Operations.GetJsonWebKeySet.Input) async throws -> Operations.GetJsonWebKeySet.Output {
        let now = session.environment.now()
        try await tokens.ensureLoaded(now: now)
        let keys = tokens.ring.jwks(now: now).map { jwk in
            Components.Schemas.JsonWebKeySet.KeysPayloadPayload(
                kty: .okp, crv: .ed25519, alg: .edDSA, use: .sig, kid: jwk["kid"]!, x: jwk["x"]!)
        }
        return .ok(.init(body: .json(.init(keys: keys))))
    }

    /// What the token transaction decided.
    enum TokenDecision: Sendable {
        case granted(AccessTokenClaims)
        case refused(Components.Schemas.OAuthError._ErrorPayload, String)
    }

    /// `Basic base64(client_id:client_secret)`, each part form-urlencoded (RFC 6749 §2.3.1); nil
    /// parts when the header is not Basic or does not decode.
    static func basicCredentials(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1])), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        guard let id = FormURLEncoding.decoded(text[..<colon]),
              let secret = FormURLEncoding.decoded(text[text.index(after: colon)...]) else {
            return nil
        }
        return (id, secret)
    }

    static func oauthError(_ error: Components.Schemas.OAuthError._ErrorPayload, _ description: String) -> TokenOutput {
        .badRequest(.init(body: .json(.init(error: error, errorDescription: description))))
    }

    static func invalidClient(_ description: String, basic: Bool) -> TokenOutput {
        .unauthorized(.init(headers: .init(wwwAuthenticate: basic ? "Basic realm=\"pmo\"" : nil),
                            body: .json(.init(error: .invalidClient, errorDescription: description))))
    }
}
