import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// An account manager against a tenant they do not look after: every platform operation on a
/// tenant answers 404 (403 where only platform admins may act at all) and changes nothing. The
/// cases come from `openapi.yaml`, so a new operation on a tenant cannot be left out.
@Suite struct CrossOperatorTests {
    /// The request body each operation is attacked with (nil: none); paths are the contract's.
    static let attacks: [String: String?] = [
        "getPlatformTenant": nil,
        "updatePlatformTenant": #"{"name":"Hijacked"}"#,
        "changePlatformTenantStatus": #"{"status":"offboarding","reason":"hostile"}"#,
        "assignPlatformAccountManager": #"{"operatorId":"{self}"}"#,
        "unassignPlatformAccountManager": nil,
        "invitePlatformTenantOwner": #"{"email":"intruder@evil.example"}"#,
        "getPlatformTenantOnboarding": nil,
        "markPlatformTenantOnboardingStep": #"{"state":"done"}"#,
        "getPlatformTenantSubscription": nil,
        "changePlatformTenantSubscription": #"{"plan":"enterprise"}"#,
        "issuePlatformInvoice": nil,
        "voidPlatformInvoice": #"{"reason":"hostile"}"#,
        "recordPlatformInvoicePayment": #"{"amount":1,"paidOn":"2026-11-01","reference":"hostile"}"#,
    ]

    static func tenantOperations() throws -> [OperationCatalog.Operation] {
        try OperationCatalog.load(from: OperationCatalog.bundledDocument()).operations
            .filter { $0.path.hasPrefix("/v1/platform/tenants/{tenantId}") }
    }

    @Test func everyPlatformOperationOnATenantHasACase() throws {
        let operations = try Self.tenantOperations()
        #expect(operations.count >= 13)
        for operation in operations {
            #expect(Self.attacks.keys.contains(operation.id), "platform operation \(operation.id) has no cross-operator case")
        }
    }

    /// What the attacks could change, read with the owner role: one statement per table, each bound
    /// to the tenant (as every query must be on Citus).
    static func snapshot(_ tenant: TenantID, env: TestEnvironment) async throws -> [String] {
        let statements: [PostgresQuery] = [
            "select concat_ws('|', name, status, status_reason, updated_at::text) from tenants where id = \(tenant)",
            "select count(*)::text from members where tenant_id = \(tenant)",
            "select count(*)::text from onboarding_steps where tenant_id = \(tenant)",
            "select count(*)::text from subscriptions where tenant_id = \(tenant)",
            "select coalesce(string_agg(status, ',' order by id), '') from invoices where tenant_id = \(tenant)",
            "select count(*)::text from invoice_payments where tenant_id = \(tenant)",
            "select count(*)::text from operator_assignments where tenant_id = \(tenant)",
            "select count(*)::text from audit_events where tenant_id = \(tenant)",
            "select count(*)::text from pmo.platform_audit_log where subject_tenant_id = \(tenant)",
        ]
        return try await env.withOwner { database in
            var state: [String] = []
            for statement in statements {
                for try await value in try await database.query(statement).decode(String.self) { state.append(value) }
            }
            return state
        }
    }

    @Test func anAccountManagerCannotReachATenantTheyDoNotLookAfter() async throws {
        let env = try await TestEnvironment()
        let mine = try await env.createTenant("operator-mine")
        let admin = "Bearer " + (try PlatformAPITests.operatorKey("admin@pmo.example", role: "platform_admin", env: env))
        let manager = "Bearer " + (try PlatformAPITests.operatorKey("am@pmo.example", role: "account_manager", env: env))
        #expect(try PlatformAPITests.admin(["operator", "assign", "--email", "am@pmo.example", "--tenant", "operator-mine"], env: env).status == 0)
        try await env.withApp { client in
            let created = try await client.call(.post, "/v1/platform/tenants", auth: admin,
                                                json: #"{"slug":"operator-theirs","name":"Theirs","plan":"starter"}"#)
            let victimID = try #require(created.object["id"] as? String)
            let victim = TenantID(try #require(UUID(uuidString: victimID)))
            let invoice = try await CrossTenantTests.issuedInvoice(of: victim, env: env)
            let managerID = try #require(Self.items(try await client.call(.get, "/v1/platform/operators", auth: admin))
                .first { $0["email"] as? String == "am@pmo.example" }?["id"] as? String)
            let before = try await Self.snapshot(victim, env: env)
            #expect(before.count == 9, "one value per table: \(before)")

            for operation in try Self.tenantOperations() {
                let path = operation.path
                    .replacingOccurrences(of: "{tenantId}", with: victim.uuid.uuidString.lowercased())
                    .replacingOccurrences(of: "{invoiceId}", with: invoice)
                    .replacingOccurrences(of: "{operatorId}", with: managerID)
                    .replacingOccurrences(of: "{step}", with: "contract_signed")
                let body = Self.attacks[operation.id].flatMap { $0 }?.replacingOccurrences(of: "{self}", with: managerID)
                let response = try await client.call(HTTPRequest.Method(operation.method.uppercased())!, path, auth: manager, json: body)
                let expected: HTTPResponse.Status = operation.access == .scope(.platformAdmin) ? .forbidden : .notFound
                #expect(response.status == expected, "\(operation.id): \(response.status)")
                // The same calls on the tenant they do look after reach it (not refused for another reason).
                if operation.id == "getPlatformTenant" {
                    #expect(try await client.call(.get, "/v1/platform/tenants/\(mine.tenant.id)", auth: manager).status == .ok)
                }
            }
            #expect(try await Self.snapshot(victim, env: env) == before, "nothing changed")

            // Nor do the lists show it, or its audit events.
            let listed = Self.items(try await client.call(.get, "/v1/platform/tenants", auth: manager)).map { $0["slug"] as? String }
            #expect(listed == ["operator-mine"])
            #expect(Self.items(try await client.call(.get, "/v1/platform/audit-events?tenantId=\(victim.uuid)", auth: manager)).isEmpty)
            #expect(Self.items(try await client.call(.get, "/v1/platform/audit-events?tenantId=\(victim.uuid)", auth: admin)).count == 1)
            #expect(Self.items(try await client.call(.get, "/v1/platform/invoices", auth: manager)).isEmpty)
        }
    }

    static func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }
}
