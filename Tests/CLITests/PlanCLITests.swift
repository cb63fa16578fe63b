import Domain
import Foundation
import Testing
import TestSupport

/// The plan catalogue and subscriptions as operators manage them with `pmo-admin`.
@Suite struct PlanCLITests {
    static func admin(_ arguments: [String], env: TestEnvironment) throws -> Binaries.Finished {
        try AdminCLITests.admin(arguments, env: env)
    }

    static func planFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let gold = """
        code: gold
        name: Gold
        currency: EUR
        baseFee: 29900
        rateLimit: {requestsPerSecond: 20, burst: 100}
        metrics:
          api_requests:
            included: 100000
            tiers:
              - {upTo: 900000, unitPrice: 20, per: 1000}
              - {unitPrice: 10, per: 1000}
          members: {included: 25, hardQuota: 40}
        """

    @Test func plansAreVersionedAndAnUnchangedEditIsNoChange() async throws {
        let env = try await TestEnvironment()
        let file = try Self.planFile(Self.gold)
        let created = try Self.admin(["plan", "create", "--file", file], env: env)
        #expect(created.status == 0 && created.output.contains("plan gold version 1 created"), "\(created.output)\(created.error)")
        let again = try Self.admin(["plan", "create", "--file", file], env: env)
        #expect(again.status != 0 && again.error.contains("gold"), "\(again.error)")
        let same = try Self.admin(["plan", "edit", "--file", file], env: env)
        #expect(same.status == 0 && same.output.contains("no change"), "\(same.output)")

        let dearer = try Self.planFile(Self.gold.replacingOccurrences(of: "baseFee: 29900", with: "baseFee: 34900"))
        let edited = try Self.admin(["plan", "edit", "--file", dearer], env: env)
        #expect(edited.output.contains("plan gold version 2 created"), "\(edited.output)\(edited.error)")

        let list = try Self.admin(["plan", "list"], env: env)
        #expect(list.output.contains("29900 EUR") && list.output.contains("34900 EUR"), "\(list.output)")
        let newest = try Self.admin(["plan", "show", "gold"], env: env)
        #expect(newest.output.contains("34900") && newest.output.contains("up to 900000: 20 per 1000"), "\(newest.output)")
        let first = try Self.admin(["plan", "show", "gold", "--version", "1", "--json"], env: env)
        #expect(first.output.contains("29900") && !first.output.contains("34900"), "\(first.output)")
        // The three plans of the first migration plus two versions of gold.
        #expect(try await env.count("plans") == 5)
    }

    @Test func aBadPlanFileIsRefusedNamingTheFieldAndChangesNothing() async throws {
        let env = try await TestEnvironment()
        let overlapping = try Self.planFile(Self.gold.replacingOccurrences(of: "{unitPrice: 10, per: 1000}", with: "{upTo: 500, unitPrice: -1}"))
        let refused = try Self.admin(["plan", "create", "--file", overlapping], env: env)
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.error.contains("/metrics/api_requests/tiers/1/upTo") && refused.error.contains("/metrics/api_requests/tiers/1/unitPrice"),
                "\(refused.error)")
        let unknownMetric = try Self.planFile(Self.gold.replacingOccurrences(of: "members:", with: "seats:"))
        let located = try Self.admin(["plan", "create", "--file", unknownMetric], env: env)
        #expect(located.status != 0 && located.error.contains("line 12") && located.error.contains("unknown metric"), "\(located.error)")
        let negative = try Self.planFile(Self.gold.replacingOccurrences(of: "baseFee: 29900", with: "baseFee: -5"))
        #expect(try Self.admin(["plan", "create", "--file", negative], env: env).error.contains("/baseFee"))
        #expect(try await env.count("plans") == 3)
    }

    @Test func subscriptionsChangeFromADayAndArchivedPlansTakeNoNewTenants() async throws {
        let env = try await TestEnvironment()
        #expect(try Self.admin(["tenant", "create", "--slug", "subs", "--name", "Subs Ltd", "--plan", "starter"], env: env).status == 0)
        #expect(try Self.admin(["plan", "create", "--file", try Self.planFile(Self.gold)], env: env).status == 0)
        let today = CalendarDate(utcDate: Date())
        let tomorrow = today.adding(days: 1)
        let changed = try Self.admin(["subscription", "change", "--tenant", "subs", "--plan", "gold", "--on", tomorrow.description], env: env)
        #expect(changed.status == 0, "\(changed.error)")
        #expect(changed.output.contains("starter") && changed.output.contains("gold") && changed.output.contains(today.description),
                "\(changed.output)")
        let history = try Self.admin(["subscription", "show", "--tenant", "subs", "--json"], env: env)
        #expect(history.output.contains("\"endsOn\" : \"\(tomorrow)\"") || history.output.contains("\"endsOn\":\"\(tomorrow)\""),
                "\(history.output)")
        // Today the tenant is still on starter; the change is scheduled.
        #expect(try Self.admin(["tenant", "show", "subs"], env: env).output.contains("starter"))

        // Backdated, or before the scheduled change: refused, nothing changes.
        let backdated = try Self.admin(["subscription", "change", "--tenant", "subs", "--plan", "starter",
                                        "--on", today.adding(days: -1).description], env: env)
        #expect(backdated.status != 0 && backdated.error.contains("today or later"), "\(backdated.error)")
        let beforeScheduled = try Self.admin(["subscription", "change", "--tenant", "subs", "--plan", "enterprise",
                                              "--on", today.description], env: env)
        #expect(beforeScheduled.status != 0 && beforeScheduled.error.contains("scheduled"), "\(beforeScheduled.error)")
        #expect(try await env.count("subscriptions") == 2)

        // Another currency cannot follow on one subscription.
        let dollars = try Self.planFile(Self.gold.replacingOccurrences(of: "code: gold", with: "code: gold-us")
            .replacingOccurrences(of: "currency: EUR", with: "currency: USD"))
        #expect(try Self.admin(["plan", "create", "--file", dollars], env: env).status == 0)
        let otherCurrency = try Self.admin(["subscription", "change", "--tenant", "subs", "--plan", "gold-us",
                                            "--on", today.adding(days: 5).description], env: env)
        #expect(otherCurrency.status != 0 && otherCurrency.error.contains("USD"), "\(otherCurrency.error)")

        let archived = try Self.admin(["plan", "archive", "gold"], env: env)
        #expect(archived.output.contains("plan gold archived"), "\(archived.output)")
        let refused = try Self.admin(["tenant", "create", "--slug", "late", "--name", "Late Ltd", "--plan", "gold"], env: env)
        #expect(refused.status != 0 && refused.error.contains("archived"), "\(refused.error)")
        // The subscription that names it stays.
        #expect(try await env.count("subscriptions") == 2)
        #expect(!(try Self.admin(["plan", "list"], env: env).output.contains("gold ")))
        #expect(try Self.admin(["plan", "list", "--all"], env: env).output.contains("archived"))
    }
}
