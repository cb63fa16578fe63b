import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// The plan catalogue on the platform API (platform admins write it), and subscriptions: the tenant
/// reads its own, operators change those of the tenants they look after.
@Suite struct BillingAPITests {
    static let gold = """
        {"code":"gold","name":"Gold","currency":"EUR","baseFee":29900,"rateLimit":{"requestsPerSecond":20,"burst":100},
         "metrics":{"api_requests":{"included":100000,"tiers":[{"upTo":900000,"unitPrice":20,"per":1000},{"unitPrice":10,"per":1000}]},
                    "members":{"included":25,"hardQuota":40}}}
        """

    @Test func platformAdminsDefineVersionedPlansAndOthersOnlyReadThem() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("plans-reader")
        let admin = "Bearer " + (try PlatformAPITests.operatorKey("admin@pmo.example", role: "platform_admin", env: env))
        let manager = "Bearer " + (try PlatformAPITests.operatorKey("am@pmo.example", role: "account_manager", env: env))
        try await env.withApp { client in
            // Only platform admins write the catalogue; a tenant's credential is refused on the platform API.
            for auth in [manager, tenant.authorization] {
                let refused = try await client.call(.post, "/v1/platform/plans", auth: auth, json: Self.gold)
                #expect(refused.status == .forbidden && refused.object["type"] as? String == "/problems/insufficient-scope")
            }
            let created = try await client.call(.post, "/v1/platform/plans", auth: admin, json: Self.gold)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.location] == "/v1/platform/plans/gold")
            #expect(created.object["version"] as? Int == 1 && created.object["baseFee"] as? Int == 29900)
            let metrics = try #require(created.object["metrics"] as? [String: Any])
            let tiers = try #require((metrics["api_requests"] as? [String: Any])?["tiers"] as? [[String: Any]])
            #expect(tiers.count == 2 && tiers[0]["upTo"] as? Int == 900000 && tiers[1]["upTo"] == nil)
            #expect(try await client.call(.post, "/v1/platform/plans", auth: admin, json: Self.gold).status == .conflict)

            // The same terms again: no new version; new terms: version 2; the path and body codes must agree.
            let same = try await client.call(.post, "/v1/platform/plans/gold/versions", auth: admin, json: Self.gold)
            #expect(same.status == .ok && same.object["version"] as? Int == 1)
            let dearer = Self.gold.replacingOccurrences(of: "29900", with: "34900")
            let second = try await client.call(.post, "/v1/platform/plans/gold/versions", auth: admin, json: dearer)
            #expect(second.status == .created && second.object["version"] as? Int == 2)
            let mismatched = try await client.call(.post, "/v1/platform/plans/starter/versions", auth: admin, json: dearer)
            #expect(mismatched.status == .unprocessableContent)
            #expect(try await client.call(.post, "/v1/platform/plans/nothing/versions", auth: admin,
                                          json: dearer.replacingOccurrences(of: "\"gold\"", with: "\"nothing\"")).status == .notFound)

            // Every operator reads the catalogue: newest version by default, any version on request.
            let newest = try await client.call(.get, "/v1/platform/plans/gold", auth: manager)
            #expect(newest.object["version"] as? Int == 2 && newest.object["baseFee"] as? Int == 34900)
            let first = try await client.call(.get, "/v1/platform/plans/gold?version=1", auth: manager)
            #expect(first.object["baseFee"] as? Int == 29900)
            #expect(try await client.call(.get, "/v1/platform/plans/gold?version=9", auth: manager).status == .notFound)
            let page = try await client.call(.get, "/v1/platform/plans?limit=4", auth: manager)
            let codes = (page.object["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(codes == ["starter", "professional", "enterprise", "gold"])
            let rest = try await client.call(.get, "/v1/platform/plans?cursor=\(try #require(page.object["nextCursor"] as? String))",
                                             auth: manager)
            #expect((rest.object["items"] as? [[String: Any]])?.map { $0["version"] as? Int } == [2])

            // Archived: out of the list unless asked for, and no new subscription may start on it.
            let archived = try await client.call(.post, "/v1/platform/plans/gold/archive", auth: admin)
            #expect(archived.status == .ok && archived.object["archivedAt"] is String)
            #expect(try await client.call(.post, "/v1/platform/plans/gold/archive", auth: admin).status == .ok)
            #expect(try await client.call(.post, "/v1/platform/plans/nothing/archive", auth: admin).status == .notFound)
            let open = try await client.call(.get, "/v1/platform/plans", auth: manager)
            #expect((open.object["items"] as? [[String: Any]])?.count == 3)
            let everything = try await client.call(.get, "/v1/platform/plans?includeArchived=true", auth: manager)
            #expect((everything.object["items"] as? [[String: Any]])?.count == 5)
        }
    }

    @Test func badPlansAreRefusedNamingEveryFieldAndChangeNothing() async throws {
        let env = try await TestEnvironment()
        let admin = "Bearer " + (try PlatformAPITests.operatorKey("admin@pmo.example", role: "platform_admin", env: env))
        try await env.withApp { client in
            let overlapping = Self.gold.replacingOccurrences(of: #"{"unitPrice":10,"per":1000}"#, with: #"{"upTo":500,"unitPrice":10}"#)
                .replacingOccurrences(of: #""burst":100"#, with: #""burst":10"#)
            let refused = try await client.call(.post, "/v1/platform/plans", auth: admin, json: overlapping)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            let pointers = Set(refused.errorPointers)
            #expect(pointers == ["/metrics/api_requests/tiers/1/upTo", "/rateLimit/burst"], "\(refused.text)")
            // A null where the contract has no null, however deep: named, not taken for "left out".
            let nullPer = try await client.call(.post, "/v1/platform/plans", auth: admin,
                                                json: Self.gold.replacingOccurrences(of: #""unitPrice":20,"per":1000"#, with: #""unitPrice":20,"per":null"#))
            #expect(nullPer.status == .unprocessableContent && nullPer.errorPointers == ["/metrics/api_requests/tiers/0/per"], "\(nullPer.text)")
            for bad in [Self.gold.replacingOccurrences(of: "29900", with: "-1"),
                        Self.gold.replacingOccurrences(of: #""unitPrice":20"#, with: #""unitPrice":-20"#),
                        Self.gold.replacingOccurrences(of: #""hardQuota":40"#, with: #""hardQuota":10"#),
                        Self.gold.replacingOccurrences(of: "\"EUR\"", with: "\"euro\""),
                        Self.gold.replacingOccurrences(of: "\"members\"", with: "\"seats\"")] {
                let response = try await client.call(.post, "/v1/platform/plans", auth: admin, json: bad)
                #expect((400..<500).contains(Int(response.status.code)), "\(bad) → \(response.text)")
            }
        }
        #expect(try await env.count("plans") == 3)
    }

    @Test func tenantsReadTheirSubscriptionAndOperatorsChangeIt() async throws {
        let env = try await TestEnvironment()
        let mine = try await env.createTenant("subs-mine", plan: "starter")
        let other = try await env.createTenant("subs-other", plan: "enterprise")
        let manager = "Bearer " + (try PlatformAPITests.operatorKey("am@pmo.example", role: "account_manager", env: env))
        #expect(try PlatformAPITests.admin(["operator", "assign", "--email", "am@pmo.example", "--tenant", "subs-mine"], env: env).status == 0)
        let today = CalendarDate(utcDate: Date())
        let nextWeek = today.adding(days: 7)
        try await env.withApp { client in
            let own = try await client.call(.get, "/v1/subscription", auth: mine.authorization)
            #expect(own.status == .ok, "\(own.text)")
            #expect((own.object["plan"] as? [String: Any])?["code"] as? String == "starter")
            #expect(own.object["anchorDay"] as? Int == min(today.day, 28))
            let period = try #require(own.object["currentPeriod"] as? [String: Any])
            #expect(period["start"] as? String == BillingPeriod(containing: today, anchorDay: min(today.day, 28)).start.description)
            #expect(own.object["scheduledChange"] == nil)
            // Each tenant sees its own.
            let theirs = try await client.call(.get, "/v1/subscription", auth: other.authorization)
            #expect((theirs.object["plan"] as? [String: Any])?["code"] as? String == "enterprise")

            let path = "/v1/platform/tenants/\(mine.tenant.id)/subscription"
            let changed = try await client.call(.post, path, auth: manager,
                                                json: #"{"plan":"professional","effectiveOn":"\#(nextWeek)"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect((changed.object["plan"] as? [String: Any])?["code"] as? String == "starter")
            let scheduled = try #require(changed.object["scheduledChange"] as? [String: Any])
            #expect(scheduled["planCode"] as? String == "professional" && scheduled["startsOn"] as? String == nextWeek.description)
            #expect((changed.object["history"] as? [[String: Any]])?.first?["endsOn"] as? String == nextWeek.description)
            let seen = try await client.call(.get, "/v1/subscription", auth: mine.authorization)
            #expect((seen.object["scheduledChange"] as? [String: Any])?["planCode"] as? String == "professional")
            #expect(try await env.count("audit_events", tenant: mine.tenant.id) >= 1)

            // Refusals change nothing: backdated, before the scheduled change, unknown or archived plan,
            // a tenant the manager does not look after, a tenant credential.
            let backdated = try await client.call(.post, path, auth: manager,
                                                  json: #"{"plan":"enterprise","effectiveOn":"\#(today.adding(days: -1))"}"#)
            #expect(backdated.status == .conflict && backdated.object["type"] as? String == "/problems/plan-change-refused")
            #expect(try await client.call(.post, path, auth: manager, json: #"{"plan":"enterprise"}"#).status == .conflict)
            let unknown = try await client.call(.post, path, auth: manager, json: #"{"plan":"platinum"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.errorPointers == ["/plan"])
            #expect(try await client.call(.post, path, auth: manager, json: #"{"plan":"professional","version":7}"#).status
                    == .unprocessableContent)
            #expect(try await client.call(.post, path, auth: manager, json: #"{"plan":"professional","effectiveOn":"soon"}"#).status
                    == .unprocessableContent)
            let notMine = "/v1/platform/tenants/\(other.tenant.id)/subscription"
            #expect(try await client.call(.get, notMine, auth: manager).status == .notFound)
            #expect(try await client.call(.post, notMine, auth: manager, json: #"{"plan":"starter"}"#).status == .notFound)
            #expect(try await client.call(.post, path, auth: mine.authorization, json: #"{"plan":"enterprise"}"#).status == .forbidden)
            let read = try await client.call(.get, path, auth: manager)
            #expect((read.object["history"] as? [[String: Any]])?.count == 2)
        }
        #expect(try await env.count("subscriptions", tenant: mine.tenant.id) == 2)
    }
}
