import Auth
import Billing
import Domain
import Foundation
import HTTPTypes
import Logging
import Persistence

/// Per-tenant rate limits in the request pipeline (docs/OPERATIONS.md, "Rate limits"): a request
/// whose tenant is known before it runs takes a token first, and is refused with 429 (doing no
/// database work) when there is none; a request whose tenant is learned by running it (a key's
/// first request in this process) is charged afterwards. Every response to an authenticated tenant
/// request carries `RateLimit-Policy` and `RateLimit`.
struct TenantRateLimits: Sendable {
    let limiter: RateLimiter
    let database: Database
    let environment: Domain.Environment
    let logger: Logger

    typealias Admission = RateLimiter.Admission

    /// The tenant a credential names without a database read: an access token's or an SSO token's
    /// claim, or a key this process has seen accepted (with this secret).
    func tenant(of credential: PresentedCredential) -> TenantID? {
        switch credential {
        case .key(let key): limiter.tenant(forKey: key.publicID, secretHash: key.secretHash)
        case .accessToken(let claims): claims.tenantID
        case .ssoMember(let identity): TenantID(identity.tenantID)
        case .operatorKey, .operatorSession: nil
        }
    }

    /// Takes a token for a request about to run; throws the 429 when the bucket is empty. Nil when
    /// the tenant's policy is not loaded yet (the request is charged after it runs).
    func admit(_ tenant: TenantID) throws -> Admission? {
        guard let admission = limiter.take(tenant) else { return nil }
        guard admission.decision.allowed else {
            throw APIProblem.rateLimited(retryAfter: admission.decision.retryAfter, headers: [
                (Self.policyName.rawName, admission.policyField), (Self.limitName.rawName, field(admission))])
        }
        return admission
    }

    /// After an authenticated request that was not admitted beforehand: remembers the key, loads
    /// the tenant's policy on first contact (one read, once per tenant) and charges the request.
    func settle(_ tenant: TenantID, credential: PresentedCredential) async -> Admission? {
        if case .key(let key) = credential { limiter.learn(key: key.publicID, secretHash: key.secretHash, tenant: tenant) }
        if limiter.policy(for: tenant) == nil {
            do {
                let today = CalendarDate(utcDate: environment.now())
                limiter.setPolicies(try await RateLimitPolicies.load([tenant], today: today, database: database))
            } catch {
                // The request succeeded; only its headers are missing, and the next request retries.
                logger.warning("could not load a tenant's rate limit", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        return limiter.charge(tenant)
    }

    static let policyName = HTTPField.Name("RateLimit-Policy")!
    static let limitName = HTTPField.Name("RateLimit")!

    /// The `RateLimit` field. With several processes the remaining count is this process's share
    /// scaled up: an estimate that is exact when the load balancer spreads the tenant's requests evenly.
    func field(_ admission: Admission) -> String {
        var decision = admission.decision
        decision.remaining = min(admission.policy.burst, decision.remaining * limiter.processes)
        return decision.field
    }

    /// Both fields on a response (on every authenticated tenant response).
    func add(_ admission: Admission, to response: inout HTTPResponse) {
        response.headerFields[Self.policyName] = admission.policyField
        response.headerFields[Self.limitName] = field(admission)
    }
}
