import Auth
import Billing
import Domain
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime

/// The one place every operation passes through after routing: it reads the bearer credential for
/// operations that need one, turns every error into a problem document, and meters the call.
/// Authentication itself completes inside the operation's tenant transaction (`TenantSession`).
struct OperationMiddleware: ServerMiddleware {
    let access: [String: OperationCatalog.Access]
    let nonNullable: [String: NonNullableFields]
    let requiredQuery: [String: [String]]
    let session: TenantSession
    /// Nil when metering is switched off (`METERING=off`, for benchmarks only).
    let meter: UsageMeter?
    let environment: Domain.Environment
    let throttle: FailedAuthThrottle
    let tokens: AccessTokens
    let sso: SSOTokenVerifier
    /// Nil when rate limiting is switched off (`RATE_LIMITS=off`).
    let rateLimits: TenantRateLimits?
    let logger: Logger

    /// Open operations whose credential travels in the body (or in HTTP Basic), and the statuses
    /// that mean it was refused: failed attempts count as for keys.
    static let bodyCredentialOperations: [String: Set<Int>] = [
        "acceptInvitation": [404, 410],  // unknown or expired invitation
        "issueAccessToken": [401],  // invalid_client
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let scope = RequestScope.current else { return try await next(request, body, metadata) }
        // The scope in force: the request's, then the routed one once the credential is read.
        var current = scope
        var result: (HTTPResponse, HTTPBody?)
        let guarded: Bool
        // The tenant's bucket, when its tenant was known before the request ran.
        var admission: TenantRateLimits.Admission?
        do {
            switch access[operationID] {
            case .open:
                guarded = Self.bodyCredentialOperations[operationID] != nil
            case .scope(let required):
                guarded = request.headerFields[.authorization] != nil
                // An address already throttled gets no verification at all (an SSO token's costs a
                // database read and possibly a fetch of its provider's keys).
                if guarded, let seconds = throttle.retryAfter(.init(address: scope.clientAddress, keyPrefix: nil),
                                                              now: environment.now()) {
                    throw APIProblem.throttled(retryAfter: seconds)
                }
                let credential = try await credential(from: request)
                current = scope.routed(to: .init(operationID: operationID, requiredScope: required, credential: credential))
                // The platform API and the tenant API never share a credential: a tenant's credential
                // holds no platform scope, an operator's key no tenant scope.
                let isOperator = if case .operatorKey = credential { true } else { false }
                if isOperator != required.isPlatform { throw AuthFailure.insufficientScope(required: required) }
                // Over the tenant's rate limit: 429 before any database work.
                if let rateLimits, let tenant = rateLimits.tenant(of: credential) {
                    admission = try rateLimits.admit(tenant)
                }
            case nil:
                logger.error("operation missing from the catalog", metadata: ["operation": "\(operationID)"])
                throw APIProblem.internalError
            }
            if guarded, let seconds = throttle.retryAfter(Self.source(current), now: environment.now()) {
                throw APIProblem.throttled(retryAfter: seconds)
            }
            if let required = requiredQuery[operationID] {
                // The generated decoder reports a missing parameter without its name.
                let present = Self.queryNames(request.path ?? "")
                let missing = required.filter { !present.contains($0) }
                if !missing.isEmpty {
                    throw APIProblem.badRequest("Required query parameters are missing: \(missing.joined(separator: ", ")).",
                                                errors: missing.map { FieldError(pointer: "/\($0)", detail: "is required") })
                }
            }
            // A body must say what it is: guessing JSON would read other media as if it were.
            if !scope.body.bytes.isEmpty, request.headerFields[.contentType] == nil {
                throw APIProblem(status: 415, type: "unsupported-media-type", title: "Unsupported media type",
                                 detail: "The request has a body but no Content-Type; send it as application/json.")
            }
            if let rules = nonNullable[operationID] {
                let nulls = rules.violations(in: scope.body.object)
                if !nulls.isEmpty {
                    throw ValidationFailure(nulls.map { FieldError(pointer: $0, detail: "cannot be null; leave it out instead") })
                }
            }
            let routed = current
            result = Self.plainHeaders(try await RequestScope.$current.withValue(routed) {
                try await next(request, body, metadata)
            })
        } catch {
            var problem = ProblemTranslation.problem(for: error, logger: logger)
            // Input refused before the credential was checked (bad JSON, invalid fields): the
            // credential decides first, so an unknown, revoked or under-scoped key still gets 401/403.
            // A throttled source is not checked at all (that is the point of throttling it).
            if (400..<500).contains(problem.status), problem.status != 429, !(error is AuthFailure),
               current.operation != nil, !current.authentication.checked {
                do {
                    try await RequestScope.$current.withValue(current) { try await session.authenticate() }
                } catch {
                    problem = ProblemTranslation.problem(for: error, logger: logger)
                }
            }
            result = Self.response(for: problem, requestID: scope.requestID)
        }
        if Self.isFailedAuthentication(status: result.0.status.code, operationID: operationID,
                                       presented: request.headerFields[.authorization] != nil) {
            await recordFailure(current)
        }
        if let tenantID = current.authentication.meteredTenant {
            meter?.record(tenantID: tenantID, operationID: operationID, status: result.0.status.code,
                         at: environment.now())
            if let rateLimits, let credential = current.operation?.credential {
                if admission == nil { admission = await rateLimits.settle(tenantID, credential: credential) }
                if let admission { rateLimits.add(admission, to: &result.0) }
            }
        }
        return result
    }

    /// A presented credential that was refused: 401 for keys and tokens, the operation's own statuses
    /// for credentials in the body. A request without any credential is not an attempt.
    static func isFailedAuthentication(status: Int, operationID: String, presented: Bool) -> Bool {
        if let statuses = bodyCredentialOperations[operationID] { return statuses.contains(status) }
        return status == 401 && presented
    }

    /// The names of a request target's query parameters.
    static func queryNames(_ target: String) -> Set<String> {
        guard let mark = target.firstIndex(of: "?") else { return [] }
        return Set(target[target.index(after: mark)...].split(separator: "&").compactMap { pair in
            pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { String($0).removingPercentEncoding ?? String($0) }
        })
    }

    static func source(_ scope: RequestScope) -> FailedAuthThrottle.Source {
        .init(address: scope.clientAddress, keyPrefix: scope.credentialPrefix)
    }

    /// Counts the failure; when it starts a burst, says so in the log and, if the key exists, in its
    /// tenant's audit log (the key's owner learns that someone is guessing).
    private func recordFailure(_ scope: RequestScope) async {
        let source = Self.source(scope)
        guard throttle.recordFailure(source, now: environment.now()) else { return }
        logger.warning("failed authentication throttled", metadata: [
            "address": "\(source.address ?? "unknown")", "keyPrefix": "\(source.keyPrefix ?? "none")",
            "requestId": "\(scope.requestID)"])
        guard let key = scope.authentication.presentedKey else { return }
        do {
            try await session.recordThrottled(tenantID: key.tenantID, keyID: key.keyID, requestID: scope.requestID)
        } catch {
            logger.error("could not audit a throttled key", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// The generated serializers percent-encode header values (URI "simple" style), which would
    /// send `ETag: %221%22`; our response headers are plain HTTP values, so they are decoded back.
    static func plainHeaders(_ result: (HTTPResponse, HTTPBody?)) -> (HTTPResponse, HTTPBody?) {
        var (response, body) = result
        for name in [HTTPField.Name.eTag, .location] {
            if let value = response.headerFields[name], value.utf8.contains(UInt8(ascii: "%")),
               let decoded = value.removingPercentEncoding {
                response.headerFields[name] = decoded
            }
        }
        return (response, body)
    }

    /// `Authorization: Bearer <key or token>`, parsed on UTF-8 bytes (Foundation's trimming showed up
    /// in profiles of this path). A JWT is ours (an access token: its issuer is this installation's)
    /// or a tenant's identity provider's (SSO). Either is verified here; its client or member is
    /// checked with the request's first statement.
    func credential(from request: HTTPRequest) async throws -> PresentedCredential {
        guard let header = request.headerFields[.authorization] else { throw AuthFailure.missingCredential }
        let bytes = header.utf8
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
              String(header[..<space]).lowercased() == "bearer"
        else { throw AuthFailure.malformedCredential }
        let token = header[header.index(after: space)...].drop { $0 == " " }
        if AccessToken.looksLikeToken(token) {
            let now = environment.now()
            if let claims = tokens.cachedClaims(token, now: now) { return .accessToken(claims) }
            if (IdentityToken.issuer(of: token) ?? tokens.issuer) == tokens.issuer {
                return .accessToken(try await tokens.verify(token, now: now))
            }
            try session.requireReachable()
            do {
                return .ssoMember(try await sso.verify(token, now: now))
            } catch let rejection as SSORejection {
                logger.debug("identity provider token refused", metadata: ["reason": "\(rejection)"])
                throw AuthFailure.invalidSSOToken(rejection)
            }
        }
        if token.hasPrefix(SecretToken.Kind.operatorKey.rawValue) {
            guard let key = SecretToken(token: token, kind: .operatorKey) else { throw AuthFailure.malformedCredential }
            return .operatorKey(key)
        }
        guard let key = SecretToken(token: token) else { throw AuthFailure.malformedCredential }
        return .key(key)
    }

    static func response(for problem: APIProblem, requestID: String) -> (HTTPResponse, HTTPBody?) {
        var fields = HTTPFields()
        fields[.contentType] = APIProblem.contentType
        for header in problem.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return (HTTPResponse(status: .init(code: problem.status), headerFields: fields),
                HTTPBody(problem.body(requestID: requestID)))
    }
}
