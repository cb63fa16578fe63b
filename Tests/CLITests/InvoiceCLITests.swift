import Domain
import Foundation
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// Invoicing a closed month with `pmo-admin invoices`: idempotent runs, gap-free numbers, void and pay.
@Suite struct InvoiceCLITests {
    static func admin(_ arguments: [String], env: TestEnvironment) throws -> Binaries.Finished {
        try AdminCLITests.admin(arguments, env: env)
    }

    /// A tenant on a plan of 3,000 a month with 10 requests included and 7 per request beyond, subscribed
    /// since 1 October 2026 and billed from the 1st, with 15 billable calls (and 4 failures) in October.
    static func octoberTenant(_ slug: String, env: TestEnvironment) async throws -> TenantFixture {
        let tenant = try await env.createTenant(slug, plan: "inv")
        try await env.withOwner { database in
            _ = try await database.query("""
                update subscriptions set starts_on = '2026-10-01', anchor_day = 1 where tenant_id = \(tenant.tenant.id)
                """)
            _ = try await database.query("""
                insert into usage_counters (tenant_id, day, operation_id, status_class, calls)
                values (\(tenant.tenant.id), '2026-10-05', 'listProjects', 2, 12), (\(tenant.tenant.id), '2026-10-31', 'getProject', 4, 3),
                       (\(tenant.tenant.id), '2026-10-31', 'getProject', 5, 4), (\(tenant.tenant.id), '2026-11-01', 'getProject', 2, 99)
                """)
        }
        return tenant
    }

    static func invoiceID(_ env: TestEnvironment, _ tenant: TenantFixture, status: String) async throws -> String {
        try await env.withOwner { database in
            var id = ""
            for try await found in try await database.query("""
                select id from invoices where tenant_id = \(tenant.tenant.id) and status = \(status) order by created_at desc limit 1
                """).decode(UUID.self) { id = found.uuidString.lowercased() }
            return id
        }
    }

    @Test func aClosedMonthIsInvoicedOnceWithItsLinesAndARerunChangesNothing() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("inv", metrics: [.apiRequests: MetricTerms(included: 10, tiers: [PriceTier(upTo: nil, unitPrice: 7)])],
                                 baseFee: 3_000)
        let tenant = try await Self.octoberTenant("billed", env: env)
        let first = try Self.admin(["invoices", "run", "--period", "2026-10"], env: env)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("created 1 invoice for 2026-10"), "\(first.output)")
        // 3,000 base fee + (15 − 10) × 7 = 3,035.
        #expect(first.output.contains("3035 EUR"), "\(first.output)")
        let lines = try await env.withOwner { database in
            var found: [String] = []
            for try await (kind, quantity, amount) in try await database.query("""
                select kind, quantity, amount from invoice_lines where tenant_id = \(tenant.tenant.id) order by position
                """).decode((String, Int64, Int64).self) { found.append("\(kind) \(quantity) \(amount)") }
            return found
        }
        #expect(lines == ["base_fee 31 3000", "overage 5 35"])

        let second = try Self.admin(["invoices", "run", "--period", "2026-10", "--json"], env: env)
        #expect(second.status == 0 && second.output.contains("\"outcome\" : \"exists\"") || second.output.contains("\"outcome\":\"exists\""),
                "\(second.output)")
        let third = try Self.admin(["invoices", "run", "--period", "2026-10"], env: env)
        #expect(third.output.contains("no changes: 1 invoice for 2026-10 existed already"), "\(third.output)")
        #expect(try await env.count("invoices", tenant: tenant.tenant.id) == 1)

        // The month now running is not closed for anyone: refused, nothing made.
        let current = YearMonth(CalendarDate(utcDate: Date()))
        let open = try Self.admin(["invoices", "run", "--period", current.description], env: env)
        #expect(open.status != 0 && open.error.contains("not closed"), "\(open.error)")
        #expect(try Self.admin(["invoices", "run", "--period", "2026-13"], env: env).status != 0)
        #expect(try await env.count("invoices") == 1)
    }

    @Test func issuedInvoicesAreNumberedWithoutGapsCorrectedOnlyByVoidingAndPaidInFull() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("inv", metrics: [.apiRequests: MetricTerms(included: 10, tiers: [PriceTier(upTo: nil, unitPrice: 7)])],
                                 baseFee: 3_000)
        let tenant = try await Self.octoberTenant("numbered", env: env)
        #expect(try Self.admin(["invoices", "run", "--period", "2026-10", "--issue"], env: env).status == 0)
        let issued = try await Self.invoiceID(env, tenant, status: "issued")
        #expect(!issued.isEmpty)
        // Issued: its lines cannot change, not even by the server's role.
        await #expect(throws: (any Error).self) {
            try await env.withApp { database in
                try await database.tenantTransaction(tenant.tenant.id) { scope in
                    try await scope.query("update invoice_lines set amount = 0 where tenant_id = \(tenant.tenant.id)")
                }
            }
        }
        #expect(try Self.admin(["invoices", "issue", "--tenant", "numbered", issued], env: env).status != 0, "issued twice")

        // Corrected: voided with a reason, the month run again, the new one issued as number 2.
        let voided = try Self.admin(["invoices", "void", "--tenant", "numbered", "--reason", "wrong plan", issued], env: env)
        #expect(voided.status == 0, "\(voided.error)")
        let rerun = try Self.admin(["invoices", "run", "--period", "2026-10"], env: env)
        #expect(rerun.output.contains("created 1 invoice"), "\(rerun.output)")
        let draft = try await Self.invoiceID(env, tenant, status: "draft")
        let reissued = try Self.admin(["invoices", "issue", "--tenant", "numbered", draft], env: env)
        #expect(reissued.output.contains("issued as number 2"), "\(reissued.output)\(reissued.error)")

        // Paid in two parts; more than is due, or a payment of a void invoice, is refused.
        let pay = ["invoices", "pay", "--tenant", "numbered", "--on", "2026-11-20"]
        #expect(try Self.admin(pay + ["--amount", "5000", "--reference", "too much", draft], env: env).status != 0)
        #expect(try Self.admin(pay + ["--amount", "100", "--reference", "void", issued], env: env).status != 0)
        let part = try Self.admin(pay + ["--amount", "35", "--reference", "TRX-1", draft], env: env)
        #expect(part.output.contains("35 of 3035 EUR paid, issued"), "\(part.output)\(part.error)")
        let rest = try Self.admin(pay + ["--amount", "3000", "--reference", "TRX-2", draft], env: env)
        #expect(rest.output.contains("3035 of 3035 EUR paid, paid"), "\(rest.output)\(rest.error)")
        #expect(try Self.admin(["invoices", "void", "--tenant", "numbered", "--reason", "late", draft], env: env).status != 0)

        let listed = try Self.admin(["invoices", "list", "--tenant", "numbered"], env: env)
        #expect(listed.output.contains("void") && listed.output.contains("paid"), "\(listed.output)")
        let numbers = try await env.withOwner { database in
            var found: [Int64] = []
            for try await number in try await database.query("""
                select number from invoices where tenant_id = \(tenant.tenant.id) and number is not null order by number
                """).decode(Int64.self) { found.append(number) }
            return found
        }
        #expect(numbers == [1, 2])
    }
}
