import Billing
import Domain
import Foundation
import Testing
import TestSupport

/// The rate limiter's memory, and a tenant's limit holding in total across two server processes.
@Suite struct RateLimitProcessTests {
    @Test func keysAreRecognisedOnlyWithTheAcceptedSecretAndAChangedPlanRefillsTheBucket() {
        let now = TestClock()
        let limiter = RateLimiter(processes: 1, clock: now.environment.monotonicSeconds)
        let tenant = TenantID(UUID())
        limiter.learn(key: "abc", secretHash: [1, 2, 3], tenant: tenant)
        #expect(limiter.tenant(forKey: "abc", secretHash: [1, 2, 3]) == tenant)
        #expect(limiter.tenant(forKey: "abc", secretHash: [1, 2, 4]) == nil)
        #expect(limiter.tenant(forKey: "abd", secretHash: [1, 2, 3]) == nil)
        // Unknown policy: nothing to take.
        #expect(limiter.take(tenant) == nil)
        limiter.setPolicies([tenant: RateLimitPolicy(requestsPerSecond: 1, burst: 1)])
        #expect(limiter.take(tenant)?.decision.allowed == true && limiter.take(tenant)?.decision.allowed == false)
        // The same policy again keeps the empty bucket; a new one starts full.
        limiter.setPolicies([tenant: RateLimitPolicy(requestsPerSecond: 1, burst: 1)])
        #expect(limiter.take(tenant)?.decision.allowed == false)
        limiter.setPolicies([tenant: RateLimitPolicy(requestsPerSecond: 5, burst: 5)])
        #expect(limiter.take(tenant)?.decision.remaining == 4)
        #expect(limiter.knownTenants == [tenant])
    }

    @Test func twoProcessesTogetherAllowThePlanNotTwiceIt() async throws {
        let env = try await TestEnvironment()
        // 1 request per second with a burst of 10: each of two processes holds 5 and refills 0.5/s.
        try await env.createPlan("split", requestsPerSecond: 1, burst: 10)
        let tenant = try await env.createTenant("two-servers", plan: "split")
        let shared = ["RATE_LIMIT_PROCESSES": "2"]
        let first = try await ServerProcess.start(environment: env, extra: shared)
        let second = try await ServerProcess.start(environment: env, extra: shared)
        let started = Date()
        var accepted = [0, 0]
        var limited = [0, 0]
        var policies: Set<String> = []
        for attempt in 0..<40 {
            let server = attempt % 2 == 0 ? first : second
            let (status, _, headers) = try await server.getWithHeaders("/v1/projects", auth: tenant.authorization)
            if status == 200 { accepted[attempt % 2] += 1 } else if status == 429 { limited[attempt % 2] += 1 }
            if let policy = headers["ratelimit-policy"] { policies.insert(policy) }
        }
        let elapsed = Date().timeIntervalSince(started)
        _ = try await first.terminate()
        _ = try await second.terminate()
        // Together: the burst plus what the rate refilled meanwhile (and one for rounding), never 2 × 10.
        let total = accepted.reduce(0, +)
        #expect(total <= 10 + Int(elapsed.rounded(.up)) + 1, "accepted \(accepted) in \(elapsed) s")
        #expect(accepted.allSatisfy { $0 >= 5 } && limited.allSatisfy { $0 > 0 }, "accepted \(accepted), limited \(limited)")
        #expect(total + limited.reduce(0, +) == 40)
        // Both report the plan's policy.
        #expect(policies == ["\"tenant\";q=10;w=10"])
    }
}
