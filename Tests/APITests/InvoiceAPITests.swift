import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport
import UseCases

/// Invoices on the API: tenants read theirs once issued (with a CSV of the lines); operators issue,
/// void and record payments for the tenants they look after, and list those tenants' invoices.
@Suite struct InvoiceAPITests {
    /// October 2026 invoiced as a draft for a tenant on "inv" (3,000 + 7 per request beyond 10): 15 calls, 3,035.
    static func octoberDraft(_ slug: String, env: TestEnvironment) async throws -> (TenantFixture, String) {
        let tenant = try await env.createTenant(slug, plan: "inv")
        try await env.backdateSubscription(of: tenant.tenant.id, to: CalendarDate("2026-10-01")!)
        try await env.addUsage(tenant.tenant.id, day: CalendarDate("2026-10-20")!, calls: 15)
        let outcome = try await env.withOwner { database in
            try await database.tenantTransaction(tenant.tenant.id) { scope in
                try await InvoiceRun.invoice(scope, month: YearMonth("2026-10")!, today: CalendarDate(utcDate: Date()), issue: false,
                                             environment: .live)
            }
        }
        guard case .created(let invoice) = outcome else { throw CancellationError() }
        return (tenant, invoice.id.uuidString.lowercased())
    }

    @Test func tenantsReadIssuedInvoicesAndOperatorsIssueVoidAndRecordPayments() async throws {
        let env = try await TestEnvironment()
        try await env.createPlan("inv", metrics: [.apiRequests: MetricTerms(included: 10, tiers: [PriceTier(upTo: nil, unitPrice: 7)])],
                                 baseFee: 3_000)
        let (mine, invoice) = try await Self.octoberDraft("invoiced", env: env)
        let (other, otherInvoice) = try await Self.octoberDraft("invoiced-other", env: env)
        let manager = "Bearer " + (try PlatformAPITests.operatorKey("am@pmo.example", role: "account_manager", env: env))
        let admin = "Bearer " + (try PlatformAPITests.operatorKey("admin@pmo.example", role: "platform_admin", env: env))
        #expect(try PlatformAPITests.admin(["operator", "assign", "--email", "am@pmo.example", "--tenant", "invoiced"], env: env).status == 0)
        let platform = "/v1/platform/tenants/\(mine.tenant.id)/invoices/\(invoice)"
        try await env.withApp { client in
            // A draft is not the tenant's to see yet.
            #expect((try await client.call(.get, "/v1/invoices", auth: mine.authorization).object["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/v1/invoices/\(invoice)", auth: mine.authorization).status == .notFound)

            let issued = try await client.call(.post, platform + "/issue", auth: manager)
            #expect(issued.status == .ok && issued.object["number"] as? Int == 1 && issued.object["status"] as? String == "issued",
                    "\(issued.text)")
            #expect(try await client.call(.post, platform + "/issue", auth: manager).object["type"] as? String == "/problems/invoice-state")

            let read = try await client.call(.get, "/v1/invoices/\(invoice)", auth: mine.authorization)
            #expect(read.object["total"] as? Int == 3_035 && (read.object["lines"] as? [Any])?.count == 2)
            let csv = try await client.call(.get, "/v1/invoices/\(invoice)/lines.csv", auth: mine.authorization)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let rows = csv.text.split(separator: "\r\n")
            #expect(rows.first == "position,kind,metric,description,quantity,unit_price,per,amount" && rows.count == 3, "\(csv.text)")
            #expect(rows.last == "2,overage,api_requests,api_requests beyond 10 included,5,7,1,35" || rows.last?.hasSuffix(",5,7,1,35") == true,
                    "\(csv.text)")
            // Another tenant's invoice is absent, whatever the route.
            #expect(try await client.call(.get, "/v1/invoices/\(otherInvoice)", auth: mine.authorization).status == .notFound)

            // Payments: in parts, never beyond what is due; paid in full, it cannot be voided.
            let pay = platform + "/payments"
            #expect(try await client.call(.post, pay, auth: manager, json: #"{"amount":35,"paidOn":"2026-11-20","reference":"TRX-1"}"#)
                .object["status"] as? String == "issued")
            #expect(try await client.call(.post, pay, auth: manager, json: #"{"amount":9000,"paidOn":"2026-11-21","reference":"TRX-2"}"#)
                .status == .conflict)
            #expect(try await client.call(.post, pay, auth: manager, json: #"{"amount":0,"paidOn":"2026-11-21","reference":"x"}"#)
                .status.code / 100 == 4)
            let paid = try await client.call(.post, pay, auth: manager, json: #"{"amount":3000,"paidOn":"2026-11-21","reference":"TRX-3"}"#)
            #expect(paid.object["status"] as? String == "paid" && (paid.object["payments"] as? [Any])?.count == 2, "\(paid.text)")
            #expect(try await client.call(.post, platform + "/void", auth: manager, json: #"{"reason":"late"}"#).status == .conflict)

            // The other tenant is not the manager's: its invoice actions are 404; the admin voids it.
            let otherPath = "/v1/platform/tenants/\(other.tenant.id)/invoices/\(otherInvoice)"
            #expect(try await client.call(.post, otherPath + "/issue", auth: manager).status == .notFound)
            #expect(try await client.call(.post, otherPath + "/void", auth: admin, json: #"{"reason":""}"#).status.code / 100 == 4)
            let voided = try await client.call(.post, otherPath + "/void", auth: admin, json: #"{"reason":"plan set up wrongly"}"#)
            #expect(voided.object["status"] as? String == "void" && voided.object["voidReason"] as? String == "plan set up wrongly")

            // Lists across the operator's tenants.
            let managed = try await client.call(.get, "/v1/platform/invoices", auth: manager)
            #expect((managed.object["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [invoice])
            let everything = try await client.call(.get, "/v1/platform/invoices?status=void", auth: admin)
            #expect((everything.object["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [otherInvoice])
            #expect(try await client.call(.get, "/v1/platform/invoices", auth: mine.authorization).status == .forbidden)
        }
        #expect(try await env.count("audit_events", tenant: mine.tenant.id) >= 4)
    }
}
