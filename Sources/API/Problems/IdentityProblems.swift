import Auth
import Domain
import Persistence

// What the identity area's errors (credentials, members, API clients, SSO) tell a client.

extension AuthFailure: ProblemStating {
    /// 401 with `WWW-Authenticate` for a credential that is missing or not valid, 403 for one that
    /// is valid but not enough.
    var problem: APIProblem {
        let challenge = { (error: String, description: String) -> [(name: String, value: String)] in
            [("WWW-Authenticate", "Bearer realm=\"pmo\", error=\"\(error)\", error_description=\"\(description)\"")]
        }
        switch self {
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
}

extension MemberRuleViolation: ProblemStating {
    var problem: APIProblem {
        switch self {
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
}

extension InvitationRefusal: ProblemStating {
    var problem: APIProblem {
        switch self {
        case .unknown:
            return APIProblem(status: 404, type: "not-found", title: "Not found",
                              detail: "No open invitation has this token (it may have been used already).")
        case .expired:
            return APIProblem(status: 410, type: "invitation-expired", title: "Invitation expired",
                              detail: "Invitations last 7 days; ask for a new one.")
        case .tenantSuspended:
            return AuthFailure.tenantSuspended.problem
        }
    }
}

extension DuplicateMemberEmail: ProblemStating {
    var problem: APIProblem {
        let which = memberID.map { " (member \($0.wire))" } ?? ""
        return APIProblem(status: 409, type: "duplicate", title: "Duplicate e-mail",
                          detail: "\(email) is already a member of this organisation\(which).",
                          errors: [FieldError(pointer: "/email", detail: "is already a member")])
    }
}

extension DuplicateClientName: ProblemStating {
    var problem: APIProblem {
        let which = clientID.map { " (client \($0.wire))" } ?? ""
        return APIProblem(status: 409, type: "duplicate", title: "Duplicate name",
                          detail: "An API client named \(name) exists already\(which).",
                          errors: [FieldError(pointer: "/name", detail: "is already used")])
    }
}

extension SSOIssuerInUse: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "sso-issuer-in-use", title: "Issuer and audience in use",
                   detail: "The issuer \(issuer) with the audience \(audience) is already in use; "
                       + "ask the provider for an audience (client id) of your own.",
                   errors: [FieldError(pointer: "/audience", detail: "is already in use with this issuer")])
    }
}

/// Activation refused: mandatory onboarding steps are still open.
struct OnboardingIncomplete: Error {
    let missing: [OnboardingStep]
}

extension OnboardingIncomplete: ProblemStating {
    var problem: APIProblem {
        var problem = APIProblem(
            status: 409, type: "onboarding-incomplete", title: "Onboarding incomplete",
            detail: "The tenant can become active once every mandatory onboarding step is done or skipped; still open: "
                + missing.map(\.rawValue).joined(separator: ", ") + ".")
        problem.missingSteps = missing.map(\.rawValue)
        return problem
    }
}

extension IllegalTenantMove: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "illegal-transition", title: "Status change not allowed",
                   detail: "A tenant cannot move from \(from.rawValue) to \(to.rawValue)"
                       + (to == .deleted ? "; it is deleted by erasing its data with the admin CLI." : "."),
                   allowed: allowed.map(\.rawValue))
    }
}

extension DuplicateTenantSlug: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "duplicate", title: "Duplicate slug", detail: "A tenant with slug \(slug) exists already.",
                   errors: [FieldError(pointer: "/slug", detail: "is already used")])
    }
}
