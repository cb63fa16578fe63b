import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// Per-tenant rate limits from the plan: the `RateLimit` fields on every authenticated response,
/// 429 with `Retry-After` over the limit, decided before any database work. The clock is the
/// test's, so the bucket refills only when the test moves it.
@Suite struct RateLimitAPITests {
    static func fields(_ response: TestResponse) -> (policy: String?, limit: String?) {
        (response.header("RateLimit-Policy"), response.header("RateLimit"))
    }

    @Test func theBurstIsEnforcedAndEveryAuthenticatedResponseSaysWhereItStands() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("tight", requestsPerSecond: 1, burst: 3)
        let tenant = try await env.createTenant("limited", plan: "tight")
        let other = try await env.createTenant("roomy")
        let clock = TestClock()
        try await env.withApp(environment: clock.environment) { client in
            // Three requests of any outcome take the burst; each says what is left.
            let listed = try await client.call(.get, "/v1/projects", auth: tenant.authorization)
            #expect(listed.status == .ok)
            #expect(Self.fields(listed) == ("\"tenant\";q=3;w=3", "\"tenant\";r=2;t=1"))
            let missing = try await client.call(.get, "/v1/projects/NOPE", auth: tenant.authorization)
            #expect(missing.status == .notFound && Self.fields(missing).limit == "\"tenant\";r=1;t=2")
            let invalid = try await client.call(.post, "/v1/projects", auth: tenant.authorization, json: "{}")
            #expect(invalid.status == .badRequest && Self.fields(invalid).limit == "\"tenant\";r=0;t=3", "\(invalid.status)")

            let refused = try await client.call(.get, "/v1/projects", auth: tenant.authorization)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.object["type"] as? String == "/problems/rate-limited")
            #expect(refused.header("Retry-After") == "1")
            #expect(Self.fields(refused) == ("\"tenant\";q=3;w=3", "\"tenant\";r=0;t=3"))

            // Refused before the database: a suspended tenant would get 403 from the database read.
            try await env.withOwner { database in
                _ = try await database.query("update tenants set status = 'suspended' where id = \(tenant.tenant.id)")
            }
            #expect(try await client.call(.get, "/v1/projects", auth: tenant.authorization).status == .tooManyRequests)
            try await env.withOwner { database in
                _ = try await database.query("update tenants set status = 'active' where id = \(tenant.tenant.id)")
            }

            // Another tenant has its own bucket; a refused credential gets no fields at all.
            let roomy = try await client.call(.get, "/v1/projects", auth: other.authorization)
            #expect(roomy.status == .ok && Self.fields(roomy).policy == "\"tenant\";q=1000;w=2")
            let forged = try await client.call(.get, "/v1/projects", auth: String(tenant.authorization.dropLast(2)) + "zz")
            #expect(forged.status == .unauthorized && Self.fields(forged).policy == nil)

            // One second refills one request; four more, the whole burst.
            clock.advance(seconds: 1)
            let refilled = try await client.call(.get, "/v1/projects", auth: tenant.authorization)
            #expect(refilled.status == .ok && Self.fields(refilled).limit == "\"tenant\";r=0;t=3")
            #expect(try await client.call(.get, "/v1/projects", auth: tenant.authorization).status == .tooManyRequests)
            clock.advance(seconds: 4)
            #expect(Self.fields(try await client.call(.get, "/v1/projects", auth: tenant.authorization)).limit == "\"tenant\";r=2;t=1")
        }
        // Refused requests are not metered: the four that ran and the last two.
        let metered = try await env.withOwner { database in
            var total = 0
            for try await calls in try await database.query(
                "select coalesce(sum(calls), 0)::int from usage_counters where tenant_id = \(tenant.tenant.id)").decode(Int.self) {
                total = calls
            }
            return total
        }
        #expect(metered == 5)
    }

    @Test func accessTokensAndMembersShareTheirTenantsBucket() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("pair", requestsPerSecond: 1, burst: 2)
        let tenant = try await env.createTenant("shared-bucket", plan: "pair")
        let member = try await env.createMember(in: tenant.tenant, role: .viewer)
        let clock = TestClock()
        try await env.withApp(environment: clock.environment) { client in
            #expect(try await client.call(.get, "/v1/projects", auth: tenant.authorization).status == .ok)
            let second = try await client.call(.get, "/v1/members/me", auth: member.authorization)
            #expect(second.status == .ok && Self.fields(second).limit == "\"tenant\";r=0;t=2")
            #expect(try await client.call(.get, "/v1/members/me", auth: member.authorization).status == .tooManyRequests)
        }
    }
}
