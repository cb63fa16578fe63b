import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// The current period against the plan: use, overage and projection per metric, and the alerts at
/// 80 % and 100 % of an included quantity, recorded once per period and audited.
@Suite struct UsageSummaryAPITests {
    @Test func theSummaryShowsUseAgainstThePlanAndRecordsEachAlertOnce() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("metered", metrics: [
            .apiRequests: MetricTerms(included: 100, tiers: [PriceTier(upTo: nil, unitPrice: 7)]),
            .activeProjects: MetricTerms(included: 2, tiers: [PriceTier(upTo: nil, unitPrice: 500)], hardQuota: 5),
        ], baseFee: 4_900)
        let tenant = try await env.createTenant("summary", plan: "metered")
        let today = CalendarDate(utcDate: Date())
        let period = BillingPeriod(containing: today, anchorDay: min(today.day, 28))
        // Eighty billable calls earlier in the period (as the meter would have flushed them), nine 5xx
        // that are not billable, and one project: 80 % of the requests, 50 % of the projects. The
        // test's own six calls may be flushed while it runs (a slow machine): they stay below 100 %.
        try await env.withOwner { database in
            _ = try await database.query("""
                insert into usage_counters (tenant_id, day, operation_id, status_class, calls)
                values (\(tenant.tenant.id), \(period.start), 'listProjects', 2, 60), (\(tenant.tenant.id), \(period.start), 'getProject', 4, 20),
                       (\(tenant.tenant.id), \(period.start), 'getProject', 5, 9)
                """)
        }
        try await env.withApp { client in
            #expect(try await client.call(.post, "/v1/projects", auth: tenant.authorization,
                                          json: #"{"code":"S-1","name":"One","currency":"EUR"}"#).status == .created)
            let summary = try await client.call(.get, "/v1/usage/summary", auth: tenant.authorization)
            #expect(summary.status == .ok, "\(summary.text)")
            #expect(summary.object["planCode"] as? String == "metered" && summary.object["baseFee"] as? Int == 4_900)
            #expect((summary.object["period"] as? [String: Any])?["start"] as? String == period.start.description)
            let metrics = Dictionary(uniqueKeysWithValues: (summary.object["metrics"] as? [[String: Any]] ?? []).map {
                ($0["metric"] as? String ?? "?", $0)
            })
            let used = metrics["api_requests"]?["used"] as? Int ?? 0
            #expect((80...86).contains(used) && metrics["api_requests"]?["overage"] as? Int == 0, "used \(used)")
            #expect(metrics["active_projects"]?["used"] as? Int == 1 && metrics["active_projects"]?["hardQuota"] as? Int == 5)
            #expect(metrics.count == 4)
            let alerts = summary.object["alerts"] as? [[String: Any]] ?? []
            #expect(alerts.map { "\($0["metric"] as? String ?? "?") \($0["threshold"] as? Int ?? 0)" } == ["api_requests 80"])

            // Two more projects: 3 of 2 included is past 100 %, one unit of overage at 500.
            for code in ["S-2", "S-3"] {
                _ = try await client.call(.post, "/v1/projects", auth: tenant.authorization,
                                          json: #"{"code":"\#(code)","name":"More","currency":"EUR"}"#)
            }
            let later = try await client.call(.get, "/v1/usage/summary", auth: tenant.authorization)
            let projects = (later.object["metrics"] as? [[String: Any]])?.first { $0["metric"] as? String == "active_projects" }
            #expect(projects?["overage"] as? Int == 1 && projects?["overageAmount"] as? Int == 500 && projects?["projectedAmount"] as? Int == 500)
            let recorded = (later.object["alerts"] as? [[String: Any]] ?? []).map { "\($0["metric"] as? String ?? "?") \($0["threshold"] as? Int ?? 0)" }
            #expect(recorded.sorted() == ["active_projects 100", "active_projects 80", "api_requests 80"])
            // A third read records nothing new.
            _ = try await client.call(.get, "/v1/usage/summary", auth: tenant.authorization)
        }
        #expect(try await env.count("usage_alerts", tenant: tenant.tenant.id) == 3)
        let audited = try await env.withOwner { database in
            var count = 0
            for try await n in try await database.query("""
                select count(*)::int from audit_events where tenant_id = \(tenant.tenant.id) and operation like 'usageAlert%'
                """).decode(Int.self) { count = n }
            return count
        }
        #expect(audited == 3)
    }

    @Test func gaugesAreSampledDailyKeepingTheDaysHighest() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sampled")
        let day = CalendarDate(utcDate: Date())
        try await env.withApp { client in
            for code in ["G-1", "G-2"] {
                _ = try await client.call(.post, "/v1/projects", auth: tenant.authorization,
                                          json: #"{"code":"\#(code)","name":"Gauge","currency":"EUR"}"#)
            }
        }
        try await env.withApp { database in
            try await database.tenantTransaction(tenant.tenant.id) { scope in try await UsageLedger(scope).sample(on: day) }
            try await env.withOwner { owner in
                _ = try await owner.query("delete from projects where tenant_id = \(tenant.tenant.id) and code = 'G-2'")
            }
            try await database.tenantTransaction(tenant.tenant.id) { scope in try await UsageLedger(scope).sample(on: day) }
        }
        let samples = try await env.withOwner { database in
            var values: [String: Int64] = [:]
            for try await (metric, value) in try await database.query("""
                select metric, value from usage_gauges where tenant_id = \(tenant.tenant.id) and day = \(day)
                """).decode((String, Int64).self) { values[metric] = value }
            return values
        }
        // The second sample saw one project; the day keeps two.
        #expect(samples == ["active_projects": 2, "members": 0, "api_clients": 0])
    }
}
