import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Hard quotas from the plan: a write beyond one is 403 `quota-exceeded` naming the quota, the limit
/// and the use, and changes nothing, also when two writes race for the last unit.
@Suite struct QuotaAPITests {
    static let smallPlan: [BillingMetric: MetricTerms] = [
        .activeProjects: MetricTerms(included: 2, hardQuota: 2),
        .members: MetricTerms(included: 1, hardQuota: 2),
        .apiClients: MetricTerms(included: 1, hardQuota: 1),
    ]

    static func project(_ code: String) -> String { #"{"code":"\#(code)","name":"Project \#(code)","currency":"EUR"}"# }

    @Test func aWriteBeyondAHardQuotaIsRefusedNamingItAndChangesNothing() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("small", metrics: Self.smallPlan)
        let tenant = try await env.createTenant("quota", plan: "small")
        try await env.withApp { client in
            for code in ["Q-1", "Q-2"] {
                #expect(try await client.call(.post, "/v1/projects", auth: tenant.authorization, json: Self.project(code)).status == .created)
            }
            let refused = try await client.call(.post, "/v1/projects", auth: tenant.authorization, json: Self.project("Q-3"))
            #expect(refused.status == .forbidden && refused.object["type"] as? String == "/problems/quota-exceeded", "\(refused.text)")
            let quota = try #require(refused.object["quota"] as? [String: Any])
            #expect(quota["metric"] as? String == "active_projects" && quota["limit"] as? Int == 2 && quota["used"] as? Int == 2)
            #expect((refused.object["detail"] as? String)?.contains("at most 2 active projects") == true)
            let fromTemplate = try await client.call(.post, "/v1/projects/from-template", auth: tenant.authorization,
                                                     json: #"{"templateId":"00000000-0000-0000-0000-000000000000","code":"Q-T","name":"T","currency":"EUR","startDate":"2027-01-04"}"#)
            #expect(fromTemplate.status == .forbidden || fromTemplate.status == .unprocessableContent)

            // A cancelled project frees its unit.
            let first = try await client.call(.get, "/v1/projects/Q-1", auth: tenant.authorization)
            let cancelled = try await client.call(.patch, "/v1/projects/Q-1", auth: tenant.authorization, json: #"{"status":"cancelled"}"#,
                                                  headers: ["If-Match": try #require(first.headers[.eTag])])
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(try await client.call(.post, "/v1/projects", auth: tenant.authorization, json: Self.project("Q-3")).status == .created)

            // API clients: one allowed; members: two seats, an invitation takes one.
            let robot = #"{"name":"Robot","scopes":["projects:read"]}"#
            #expect(try await client.call(.post, "/v1/api-clients", auth: tenant.authorization, json: robot).status == .created)
            let secondRobot = try await client.call(.post, "/v1/api-clients", auth: tenant.authorization, json: robot)
            #expect(secondRobot.status == .forbidden && (secondRobot.object["quota"] as? [String: Any])?["metric"] as? String == "api_clients")
            for (index, expected) in [HTTPResponse.Status.created, .created, .forbidden].enumerated() {
                let invited = try await client.call(.post, "/v1/members", auth: tenant.authorization,
                                                    json: #"{"email":"m\#(index)@quota.example","role":"viewer"}"#)
                #expect(invited.status == expected, "invitation \(index): \(invited.text)")
            }
        }
        #expect(try await env.count("projects", tenant: tenant.tenant.id) == 3)
        #expect(try await env.count("api_clients", tenant: tenant.tenant.id) == 1)
        #expect(try await env.count("members", tenant: tenant.tenant.id) == 2)
    }

    @Test func twoCreatesRacingForTheLastUnitOneWins() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("race", metrics: [.activeProjects: MetricTerms(included: 0, hardQuota: 2)])
        // Three tenants, each with one unit left and two creates sent at once for it.
        var tenants: [TenantFixture] = []
        for round in 0..<3 { tenants.append(try await env.createTenant("quota-race-\(round)", plan: "race")) }
        let racers = tenants
        try await env.withApp { client in
            for (round, tenant) in racers.enumerated() {
                #expect(try await client.call(.post, "/v1/projects", auth: tenant.authorization, json: Self.project("R\(round)-0")).status
                        == .created)
                async let first = client.call(.post, "/v1/projects", auth: tenant.authorization, json: Self.project("R\(round)-A"))
                async let second = client.call(.post, "/v1/projects", auth: tenant.authorization, json: Self.project("R\(round)-B"))
                let statuses = try await [first.status.code, second.status.code].sorted()
                #expect(statuses == [201, 403], "round \(round): \(statuses)")
            }
        }
        for tenant in racers { #expect(try await env.count("projects", tenant: tenant.tenant.id) == 2) }
    }
}
