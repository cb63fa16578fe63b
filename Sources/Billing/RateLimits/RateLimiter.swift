public import Domain
import Synchronization

/// A token bucket per tenant, sized by its plan's rate limit (docs/OPERATIONS.md, "Rate limits").
///
/// Everything a request needs is in memory, so a request over the limit does no database work: the
/// tenant of an API key is remembered (with the hash of its secret) from the key's first
/// authenticated request, and an access token or SSO token names its tenant itself. A tenant's policy
/// is loaded on its first request and refreshed periodically (`RateLimitRefreshService`), so a plan
/// change reaches the limit within the refresh interval.
///
/// With several server processes behind a load balancer each enforces an equal share of every
/// policy (`processes`), so together they never allow more than the plan.
public final class RateLimiter: Sendable {
    /// How many processes share each tenant's traffic.
    public let processes: Int
    private let clock: @Sendable () -> Double
    private let state = Mutex(State())

    private struct State {
        var tenants: [TenantID: Entry] = [:]
        var keys: [String: (tenant: TenantID, secretHash: [UInt8])] = [:]
    }

    /// A tenant's policy, its `RateLimit-Policy` field (formatted once, not per request) and bucket.
    private struct Entry {
        let policy: RateLimitPolicy
        let policyField: String
        var bucket: TokenBucket

        /// Applies `draw` to the bucket (in place, in the dictionary) and says what it decided.
        mutating func admit(_ draw: (inout TokenBucket) -> TokenBucket.Decision) -> Admission {
            Admission(policy: policy, policyField: policyField, decision: draw(&bucket))
        }
    }

    /// What one request learned from its tenant's bucket.
    public struct Admission: Sendable {
        public let policy: RateLimitPolicy
        /// `policy.policyField`.
        public let policyField: String
        public var decision: TokenBucket.Decision
    }

    /// `clock`: seconds on a monotonic clock (`Environment.monotonicSeconds`).
    public init(processes: Int = 1, clock: @escaping @Sendable () -> Double) {
        self.processes = max(1, processes)
        self.clock = clock
    }

    /// The tenant of an API key seen before, when the presented secret is the one that was accepted.
    public func tenant(forKey publicID: String, secretHash: [UInt8]) -> TenantID? {
        guard let known = state.withLock({ $0.keys[publicID] }), ConstantTime.equal(secretHash, known.secretHash) else { return nil }
        return known.tenant
    }

    /// Remembers an API key whose secret the database accepted. Keys are few per tenant; a key that
    /// is revoked stays remembered, which only means its refused requests take a token too.
    public func learn(key publicID: String, secretHash: [UInt8], tenant: TenantID) {
        state.withLock { state in
            if state.keys[publicID]?.secretHash != secretHash { state.keys[publicID] = (tenant, secretHash) }
        }
    }

    public func policy(for tenant: TenantID) -> RateLimitPolicy? { state.withLock { $0.tenants[tenant]?.policy } }

    /// The tenants whose policies are held (the refresh reloads them).
    public var knownTenants: [TenantID] { state.withLock { Array($0.tenants.keys) } }

    /// Sets policies (a loaded or refreshed plan); a changed policy starts from a full bucket.
    public func setPolicies(_ policies: [TenantID: RateLimitPolicy]) {
        let now = clock()
        state.withLock { state in
            for (tenant, policy) in policies where state.tenants[tenant]?.policy != policy {
                let share = policy.share(among: processes)
                state.tenants[tenant] = Entry(policy: policy, policyField: policy.policyField, bucket: TokenBucket(
                    capacity: share.capacity, refillPerSecond: share.refillPerSecond, now: now))
            }
        }
    }

    /// Takes a token for a request about to run; nil when the tenant's policy is not known yet.
    public func take(_ tenant: TenantID) -> Admission? {
        let now = clock()
        return state.withLock { state in state.tenants[tenant]?.admit { $0.take(now: now) } }
    }

    /// Charges a request that already ran (its tenant was learned only by running it).
    public func charge(_ tenant: TenantID) -> Admission? {
        let now = clock()
        return state.withLock { state in state.tenants[tenant]?.admit { $0.charge(now: now) } }
    }
}
