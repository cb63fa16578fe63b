import Auth
import Domain
import Foundation
import Logging
import OpenAPIRuntime
import Persistence
import PostgresNIO

/// Maps any error to the problem a client sees. Errors the client did not cause become 500/503 with
/// only a request id in the body; the details go to the log (docs/ARCHITECTURE.md rule 5).
enum ProblemTranslation {
    static func problem(for error: any Error, logger: Logger) -> APIProblem {
        if let problem = clientProblem(for: error) { return problem }
        // The request id is the `instance` of the problem the client gets: the log line names it too.
        var logger = logger
        if let requestID = RequestScope.current?.requestID { logger[metadataKey: "requestId"] = "\(requestID)" }
        switch error {
        case let unavailable as DatabaseUnavailable:
            logger.error("database unavailable", metadata: ["error": "\(unavailable)"])
            return .databaseUnavailable
        case let serverError as ServerError:
            return runtimeProblem(serverError, logger: logger)
        case let decoding as DecodingError:
            return decodingProblem(decoding)
        default:
            if isConnectionFailure(error) {
                logger.error("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
                return .databaseUnavailable
            }
            if let state = (error as? PSQLError)?.sqlState, isTransientFailure(sqlState: state) {
                logger.warning("database could not complete the request", metadata: [
                    "sqlState": "\(state)", "error": "\((error as? PSQLError)?.serverInfo?[.message] ?? "")"])
                return .databaseBusy
            }
            logger.error("internal error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError
        }
    }

    /// Server errors that say "not now" rather than "never": the same request may succeed on retry.
    /// 57014 query_canceled (`statement_timeout`), 55P03 lock_not_available (`lock_timeout`),
    /// 40001/40P01 serialization failure and deadlock, class 57P operator intervention (a restart
    /// or shutdown ending the session: 57P01, 57P02, 57P03), class 08 connection exceptions but
    /// 08P01, and class 53 insufficient resources (e.g. 53300 too many connections).
    static func isTransientFailure(sqlState: String) -> Bool {
        ["57014", "55P03", "40001", "40P01"].contains(sqlState) || sqlState.hasPrefix("57P") || sqlState.hasPrefix("53")
            || (sqlState.hasPrefix("08") && sqlState != "08P01")  // 08P01 is a protocol violation: our bug
    }

    static func memberProblem(_ violation: MemberRuleViolation) -> APIProblem {
        switch violation {
        case .roleNotGrantable(let role):
            return APIProblem(status: 403, type: "role-not-grantable", title: "Role not grantable",
                              detail: "Giving or taking away the role \(role.rawValue) needs every scope it holds: \(role.scopes.sorted().map(\.rawValue).joined(separator: ", ")).")
        case .illegalStatusChange(let from, let to, let allowed):
            return APIProblem(status: 409, type: "illegal-transition", title: "Status change not allowed",
                              detail: "A member cannot move from \(from.rawValue) to \(to.rawValue).",
                              allowed: allowed.map(\.rawValue))
        case .lastOwner:
            return APIProblem(status: 409, type: "last-owner", title: "Last owner",
                              detail: "This is the organisation's last active owner; make another member owner first.")
        }
    }

    static func invitationProblem(_ refusal: InvitationRefusal) -> APIProblem {
        switch refusal {
        case .unknown:
            return APIProblem(status: 404, type: "not-found", title: "Not found",
                              detail: "No open invitation has this token (it may have been used already).")
        case .expired:
            return APIProblem(status: 410, type: "invitation-expired", title: "Invitation expired",
                              detail: "Invitations last 7 days; ask for a new one.")
        case .tenantSuspended:
            return authProblem(.tenantSuspended)
        }
    }

    static func authProblem(_ failure: AuthFailure) -> APIProblem {
        let challenge = { (error: String, description: String) -> [(name: String, value: String)] in
            [("WWW-Authenticate", "Bearer realm=\"pmo\", error=\"\(error)\", error_description=\"\(description)\"")]
        }
        switch failure {
        case .missingCredential:
            return APIProblem(status: 401, type: "unauthenticated", title: "Authentication required",
                              detail: "Send an API key or access token as 'Authorization: Bearer ...'.",
                              headers: [("WWW-Authenticate", "Bearer realm=\"pmo\"")])
        case .malformedCredential:
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "The bearer token is neither a well-formed API key nor an access token.",
                              headers: challenge("invalid_token", "malformed token"))
        case .unknownKey:
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "The API key is not known.", headers: challenge("invalid_token", "unknown key"))
        case .revokedKey:
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "The API key has been revoked.", headers: challenge("invalid_token", "revoked key"))
        case .expiredKey:
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "The API key has expired.", headers: challenge("invalid_token", "expired key"))
        case .tenantSuspended:
            return APIProblem(status: 403, type: "tenant-suspended", title: "Tenant suspended",
                              detail: "This organisation's access is suspended; its data is kept. Contact your account manager.")
        case .insufficientScope(let scope):
            return APIProblem(status: 403, type: "insufficient-scope", title: "Insufficient scope",
                              detail: "This operation needs the scope \(scope.rawValue).",
                              headers: challenge("insufficient_scope", "requires \(scope.rawValue)"))
        case .invalidAccessToken(let rejection):
            let reason = switch rejection {
            case .malformed: "malformed token"
            case .unsupportedAlgorithm: "unsupported algorithm"
            case .unknownKey: "unknown signing key"
            case .badSignature: "bad signature"
            case .expired: "expired token"
            case .wrongIssuer: "wrong issuer"
            }
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "The access token is not valid: \(reason).", headers: challenge("invalid_token", reason))
        case .disabledClient:
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "The API client of this access token is disabled, or the key that obtained it was revoked.",
                              headers: challenge("invalid_token", "client disabled or key revoked"))
        case .invalidSSOToken(let rejection):
            // Until the signature has verified, one reason for all: the caller learns nothing about
            // which providers, audiences or keys tenants trust (the server's log has the detail).
            let reason = switch rejection {
            case .expired: "expired token"
            case .notYetValid: "token not yet valid"
            case .missingEmail: "no e-mail in the configured claim"
            case .emailNotVerified: "e-mail not verified by the identity provider"
            case .malformed, .unsupportedAlgorithm, .untrustedIssuerOrAudience, .ambiguousAudience, .unknownKey,
                 .badSignature, .keySetUnavailable:
                "not signed by an identity provider trusted for this audience"
            }
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "The identity provider's token is not valid: \(reason).",
                              headers: challenge("invalid_token", reason))
        case .inactiveMember:
            return APIProblem(status: 401, type: "unauthenticated", title: "Invalid credential",
                              detail: "No active member has this e-mail, or the tenant's SSO configuration changed.",
                              headers: challenge("invalid_token", "no active member"))
        }
    }

    /// The problem for an error the client caused (a rule, a conflict, a credential), or nil.
    static func clientProblem(for error: any Error) -> APIProblem? {
        switch error {
        case let problem as APIProblem:
            return problem
        case let failure as AuthFailure:
            return authProblem(failure)
        case let failure as ValidationFailure:
            return .validation(failure.errors)
        case let change as IllegalStatusChange:
            return APIProblem(status: 409, type: "illegal-transition", title: "Status change not allowed",
                              detail: "A project cannot move from \(change.from.rawValue) to \(change.to.rawValue).",
                              allowed: change.allowed.map(\.rawValue))
        case let duplicate as DuplicateProjectCode:
            return APIProblem(status: 409, type: "duplicate", title: "Duplicate code",
                              detail: "A project with code \(duplicate.code) exists already.",
                              errors: [FieldError(pointer: "/code", detail: "is already used")])
        case let violation as MemberRuleViolation:
            return memberProblem(violation)
        case let duplicate as DuplicateMemberEmail:
            let which = duplicate.memberID.map { " (member \($0.uuidString.lowercased()))" } ?? ""
            return APIProblem(status: 409, type: "duplicate", title: "Duplicate e-mail",
                              detail: "\(duplicate.email) is already a member of this organisation\(which).",
                              errors: [FieldError(pointer: "/email", detail: "is already a member")])
        case let duplicate as DuplicateClientName:
            let which = duplicate.clientID.map { " (client \($0.uuidString.lowercased()))" } ?? ""
            return APIProblem(status: 409, type: "duplicate", title: "Duplicate name",
                              detail: "An API client named \(duplicate.name) exists already\(which).",
                              errors: [FieldError(pointer: "/name", detail: "is already used")])
        case let inUse as SSOIssuerInUse:
            return APIProblem(status: 409, type: "sso-issuer-in-use", title: "Issuer and audience in use",
                              detail: "The issuer \(inUse.issuer) with the audience \(inUse.audience) is already in use; "
                                  + "ask the provider for an audience (client id) of your own.",
                              errors: [FieldError(pointer: "/audience", detail: "is already in use with this issuer")])
        case let refusal as InvitationRefusal:
            return invitationProblem(refusal)
        case is IdempotencyKeyInFlight:
            return APIProblem(status: 409, type: "idempotency-key-in-flight", title: "Concurrent retry",
                              detail: "Another request with this Idempotency-Key completed first; retry to get its response.")
        case let duplicate as DuplicateName:
            return APIProblem(status: 409, type: "duplicate", title: "Duplicate name",
                              detail: "A \(duplicate.kind) with \(duplicate.field) \(duplicate.name) exists already.",
                              errors: [FieldError(pointer: "/\(duplicate.field)", detail: "is already used")])
        case let cycle as DependencyCycleFound:
            let loop = (cycle.items + cycle.items.prefix(1)).map(\.title).joined(separator: " → ")
            return APIProblem(status: 422, type: "dependency-cycle", title: "Dependency cycle",
                              detail: "The dependency would close a cycle: \(loop).",
                              errors: [FieldError(pointer: "/predecessorId", detail: "depends, through others, on the successor")],
                              cycle: cycle.items.map { ($0.id.uuidString.lowercased(), $0.title) })
        case let cycle as DependencyCycle:
            // Refused when written; only a schedule over data written around that check meets one.
            return APIProblem(status: 409, type: "dependency-cycle", title: "Dependency cycle",
                              detail: "The project's dependencies form a cycle; remove one of them.",
                              cycle: cycle.itemIDs.map { ($0.uuidString.lowercased(), "") })
        case is DuplicateDependency:
            return APIProblem(status: 409, type: "duplicate", title: "Duplicate dependency",
                              detail: "These two work items are linked already.",
                              errors: [FieldError(pointer: "/successorId", detail: "already depends on this predecessor")])
        case is PlatformTemplateReadOnly:
            return APIProblem(status: 403, type: "platform-template", title: "Platform template",
                              detail: "Platform templates are read-only; copy one into a template of your own to change it.")
        case let credited as CreditedBreachCorrections:
            return APIProblem(status: 409, type: "breach-credited", title: "Breach already credited",
                              detail: "A value would withdraw a breach whose credit has been given to the client; "
                                  + "nothing was written.", errors: credited.errors)
        case is CreditedBreachCorrection:
            return APIProblem(status: 409, type: "breach-credited", title: "Breach already credited",
                              detail: "The change would withdraw a breach whose credit has been given to the client.")
        case let parent as HasChildren:
            return APIProblem(status: 409, type: "has-children", title: "Still has children",
                              detail: "The \(parent.kind) still has \(parent.count) \(parent.childKind); "
                                  + "move or delete them first.")
        case let parent as UnknownParent:
            let which = parent.id.map { " \($0.uuidString.lowercased())" } ?? ""
            return .validation([FieldError(pointer: "/" + parent.field, detail: "names no \(parent.kind)\(which) of this organisation")])
        default:
            return nil
        }
    }

    /// Errors raised by the generated code while reading the request: bad JSON, wrong types,
    /// unknown enum values, missing fields or parameters, wrong content type.
    static func runtimeProblem(_ error: ServerError, logger: Logger) -> APIProblem {
        if let underlying = error.underlyingError as (any Error)?, !(underlying is ServerError),
           type(of: underlying) != type(of: error) {
            if underlying is DecodingError || underlying is DatabaseUnavailable || clientProblem(for: underlying) != nil {
                return problem(for: underlying, logger: logger)
            }
        }
        let status = Int(error.httpStatus.code)
        switch status {
        case 415:
            return APIProblem(status: 415, type: "unsupported-media-type", title: "Unsupported media type",
                              detail: "Send the body as application/json.")
        case 400..<500:
            return .badRequest(error.causeDescription)
        default:
            return problem(for: error.underlyingError, logger: logger)
        }
    }

    static func decodingProblem(_ error: DecodingError) -> APIProblem {
        func pointer(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "" : "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .badRequest("A required field is missing.",
                               errors: [FieldError(pointer: pointer(context.codingPath + [key]), detail: "is required")])
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return .badRequest("A field has the wrong type.",
                               errors: [FieldError(pointer: pointer(context.codingPath), detail: context.debugDescription)])
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                // The same error type comes from a parameter the generated code could not read;
                // only an unreadable body is a JSON problem.
                if let body = RequestScope.current?.rawBody, !body.isEmpty,
                   (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) == nil {
                    return .badRequest("The body is not valid JSON.")
                }
                return .badRequest("A query or path parameter has an invalid value.")
            }
            return .badRequest("A field has an invalid value.",
                               errors: [FieldError(pointer: pointer(context.codingPath), detail: context.debugDescription)])
        @unknown default:
            return .badRequest("The body could not be read.")
        }
    }

    /// Whether the database could not be reached (as opposed to a query failing).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        // A request cancelled while it waited on the database (shutdown, a closed pool).
        if error is CancellationError { return true }
        if let psql = error as? PSQLError {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed,
                 .uncleanShutdown, .queryCancelled:
                return true
            default:
                return false
            }
        }
        return false
    }
}
