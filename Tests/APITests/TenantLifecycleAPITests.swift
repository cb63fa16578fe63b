import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// Onboarding through the platform API: an account manager creates a tenant on a plan, invites its
/// first owner, ticks the checklist, activates, suspends and resumes it; every write is audited.
@Suite struct TenantLifecycleAPITests {
    static func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }

    @Test func anAccountManagerTakesATenantFromCreationToActiveAndSuspended() async throws {
        let env = try await TestEnvironment()
        _ = try await env.createTenant("lifecycle-seed", plan: "professional")
        let manager = "Bearer " + (try PlatformAPITests.operatorKey("am@pmo.example", role: "account_manager", env: env))
        try await env.withApp { client in
            // Bad input changes nothing: a malformed slug, an unknown plan, a taken slug.
            for (json, pointer) in [(#"{"slug":"No Caps","name":"Acme","plan":"starter"}"#, "/slug"),
                                    (#"{"slug":"acme","name":"Acme","plan":"gold"}"#, "/plan")] {
                let refused = try await client.call(.post, "/v1/platform/tenants", auth: manager, json: json)
                #expect(refused.status.code == 422, "\(json)")
                #expect((refused.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == pointer)
            }
            #expect(try await client.call(.post, "/v1/platform/tenants", auth: manager,
                                          json: #"{"slug":"lifecycle-seed","name":"Again","plan":"starter"}"#).status == .conflict)
            #expect(try await env.count("tenants") == 1)

            let created = try await client.call(.post, "/v1/platform/tenants", auth: manager,
                                                json: #"{"slug":"acme","name":"Acme Contact Centre","plan":"professional"}"#)
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? String)
            let tenant = "/v1/platform/tenants/\(id)"
            #expect(created.headers[.location] == tenant)
            #expect(created.object["status"] as? String == "provisioning")
            #expect(created.object["plan"] as? String == "professional")
            #expect((created.object["accountManagers"] as? [[String: Any]])?.map { $0["email"] as? String } == ["am@pmo.example"],
                    "whoever creates it looks after it")

            // The plan is observed; everything else waits.
            let fresh = try await client.call(.get, tenant + "/onboarding", auth: manager)
            #expect(fresh.object["missingSteps"] as? [String]
                    == ["contract_signed", "owner_invited", "owner_accepted", "sso_configured", "data_imported"])
            #expect((fresh.object["steps"] as? [[String: Any]])?.first { $0["step"] as? String == "plan_chosen" }?["by"] as? String == "system")

            // Provisioning cannot jump to active; the refusal names the moves allowed.
            let jump = try await client.call(.post, tenant + "/status-changes", auth: manager, json: #"{"status":"active"}"#)
            #expect(jump.status == .conflict)
            #expect(jump.object["type"] as? String == "/problems/illegal-transition")
            #expect(jump.object["allowed"] as? [String] == ["onboarding", "offboarding"])
            let deleted = try await client.call(.post, tenant + "/status-changes", auth: manager, json: #"{"status":"deleted"}"#)
            #expect(deleted.status == .conflict, "deleted only by erasing")

            let invited = try await client.call(.post, tenant + "/owner-invitation", auth: manager,
                                                json: #"{"email":"Owner@Acme.example","name":"Olive Owner"}"#)
            #expect(invited.status == .created)
            let token = try #require((invited.object["invitation"] as? [String: Any])?["token"] as? String)
            #expect((invited.object["member"] as? [String: Any])?["role"] as? String == "owner")
            #expect(try await client.call(.post, tenant + "/owner-invitation", auth: manager, json: #"{"email":"nope"}"#).status.code == 422)

            let onboarding = try await client.call(.post, tenant + "/status-changes", auth: manager, json: #"{"status":"onboarding"}"#)
            #expect(onboarding.object["status"] as? String == "onboarding")
            let early = try await client.call(.post, tenant + "/status-changes", auth: manager, json: #"{"status":"active"}"#)
            #expect(early.status == .conflict)
            #expect(early.object["type"] as? String == "/problems/onboarding-incomplete")
            #expect(early.object["missingSteps"] as? [String] == ["contract_signed", "owner_accepted", "sso_configured", "data_imported"])

            // The owner accepts (the tenant is onboarding now): the owner steps tick themselves.
            let accepted = try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)"}"#)
            #expect(accepted.status == .ok)
            let owner = "Bearer " + (try #require((accepted.object["accessToken"] as? [String: Any])?["token"] as? String))

            // Observed steps cannot be ticked by hand; only SSO and data import can be skipped.
            for (step, state) in [("owner_accepted", "done"), ("contract_signed", "skipped"), ("sso_configured", "done")] {
                let refused = try await client.call(.put, tenant + "/onboarding/\(step)", auth: manager, json: #"{"state":"\#(state)"}"#)
                #expect(refused.status.code == 422, "\(step) \(state)")
            }
            #expect(try await client.call(.put, tenant + "/onboarding/no_such_step", auth: manager, json: #"{"state":"done"}"#).status.code == 400)
            for (step, state) in [("contract_signed", "done"), ("sso_configured", "skipped"), ("kickoff_held", "done"),
                                  ("kickoff_held", "pending")] {
                let marked = try await client.call(.put, tenant + "/onboarding/\(step)", auth: manager, json: #"{"state":"\#(state)"}"#)
                #expect(marked.status == .ok, "\(step) \(state)")
            }
            let almost = try await client.call(.put, tenant + "/onboarding/data_imported", auth: manager, json: #"{"state":"skipped"}"#)
            #expect(almost.object["complete"] as? Bool == true)
            let steps = try #require(almost.object["steps"] as? [[String: Any]])
            #expect(steps.first { $0["step"] as? String == "owner_accepted" }?["by"] as? String == "system")
            #expect((steps.first { $0["step"] as? String == "contract_signed" }?["by"] as? String)?.hasPrefix("operator:") == true)
            #expect(steps.first { $0["step"] as? String == "kickoff_held" }?["state"] as? String == "pending")

            let active = try await client.call(.post, tenant + "/status-changes", auth: manager, json: #"{"status":"active"}"#)
            #expect(active.object["status"] as? String == "active")
            #expect(try await client.call(.put, tenant + "/onboarding/kickoff_held", auth: manager, json: #"{"state":"done"}"#).status
                    == .conflict, "the checklist closes with activation")
            #expect(try await client.call(.get, "/v1/projects", auth: owner).status == .ok)

            // Suspending needs a reason; then the tenant's credentials are refused, its data kept.
            let silent = try await client.call(.post, tenant + "/status-changes", auth: manager, json: #"{"status":"suspended"}"#)
            #expect(silent.status.code == 422)
            for reason in [#""   ""#, #""Unpaid\u0007""#] {
                let blank = try await client.call(.post, tenant + "/status-changes", auth: manager,
                                                  json: #"{"status":"suspended","reason":"# + reason + "}")
                #expect(blank.status.code == 422, "reason \(reason)")
                #expect(blank.errorPointers == ["/reason"], "\(blank.body)")
            }
            let suspended = try await client.call(.post, tenant + "/status-changes", auth: manager,
                                                  json: #"{"status":"suspended","reason":"Invoice 7 unpaid"}"#)
            #expect(suspended.object["status"] as? String == "suspended")
            #expect(suspended.object["statusReason"] as? String == "Invoice 7 unpaid")
            let refused = try await client.call(.get, "/v1/projects", auth: owner)
            #expect(refused.status == .forbidden)
            #expect(refused.object["type"] as? String == "/problems/tenant-suspended")
            #expect(try await client.call(.post, tenant + "/status-changes", auth: manager, json: #"{"status":"active"}"#).status.code
                    == 422, "resuming needs a reason too")
            let resumed = try await client.call(.post, tenant + "/status-changes", auth: manager,
                                                json: #"{"status":"active","reason":"Paid"}"#)
            #expect(resumed.object["status"] as? String == "active")
            #expect(try await client.call(.get, "/v1/projects", auth: owner).status == .ok)

            let renamed = try await client.call(.patch, tenant, auth: manager, json: #"{"name":"Acme Care"}"#)
            #expect(renamed.object["name"] as? String == "Acme Care")
            #expect(try await client.call(.patch, tenant, auth: manager, json: #"{"name":""}"#).status.code == 422)

            // Every write is on the platform audit log, in order, with the reasons given.
            let log = try await client.call(.get, "/v1/platform/audit-events?tenantId=\(id)", auth: manager)
            let events = Self.items(log)
            #expect(events.map { $0["operation"] as? String } == [
                "createPlatformTenant", "invitePlatformTenantOwner", "changePlatformTenantStatus",
                "markPlatformTenantOnboardingStep", "markPlatformTenantOnboardingStep", "markPlatformTenantOnboardingStep",
                "markPlatformTenantOnboardingStep", "markPlatformTenantOnboardingStep", "changePlatformTenantStatus",
                "changePlatformTenantStatus", "changePlatformTenantStatus", "updatePlatformTenant"])
            #expect(events.compactMap { $0["reason"] as? String } == ["Invoice 7 unpaid", "Paid"])
            #expect(events.allSatisfy { ($0["actor"] as? String)?.hasPrefix("operator:") == true && $0["tenantId"] as? String == id })
            #expect(try await client.call(.get, "/v1/platform/audit-events?tenantId=nope", auth: manager).status.code == 422)
        }
        // The tenant's own audit log shows what the platform did to it.
        let tenantLog = try await env.withOwner { database in
            let acme = try await TenantStore(database: database).find(slug: "acme").id
            var operations: [String] = []
            for try await operation in try await database.query("""
                select operation from audit_events where tenant_id = \(acme) and actor_id like 'operator:%' order by id
                """).decode(String.self) { operations.append(operation) }
            return operations
        }
        #expect(tenantLog.count == 12)
        #expect(tenantLog.first == "createPlatformTenant" && tenantLog.contains("changePlatformTenantStatus"))
    }

    @Test func adminsAssignAccountManagersAndDisableOperators() async throws {
        let env = try await TestEnvironment()
        let seeded = try await env.createTenant("assign-me")
        let path = "/v1/platform/tenants/\(seeded.tenant.id)"
        let admin = "Bearer " + (try PlatformAPITests.operatorKey("admin@pmo.example", role: "platform_admin", env: env))
        let managerKey = try PlatformAPITests.operatorKey("am@pmo.example", role: "account_manager", env: env)
        let manager = "Bearer " + managerKey
        try await env.withApp { client in
            let operators = Self.items(try await client.call(.get, "/v1/platform/operators", auth: admin))
            #expect(operators.map { $0["email"] as? String } == ["admin@pmo.example", "am@pmo.example"])
            let managerID = try #require(operators.last?["id"] as? String)
            let adminID = try #require(operators.first?["id"] as? String)
            let keyID = try #require(((operators.last?["keys"] as? [[String: Any]])?.first)?["id"] as? String)
            #expect(managerKey.contains(keyID), "the public id, never the secret")
            #expect(try await client.call(.get, "/v1/platform/operators", auth: manager).status == .forbidden)

            #expect(try await client.call(.get, path, auth: manager).status == .notFound)
            #expect(try await client.call(.post, path + "/account-managers", auth: manager,
                                          json: #"{"operatorId":"\#(managerID)"}"#).status == .forbidden, "admins assign")
            #expect(try await client.call(.post, path + "/account-managers", auth: manager,
                                          json: #"{"operatorId":"x"}"#).status == .forbidden, "refused before the body is read")
            let notManager = try await client.call(.post, path + "/account-managers", auth: admin, json: #"{"operatorId":"\#(adminID)"}"#)
            #expect(notManager.status.code == 422)
            for _ in 0..<2 {
                let assigned = try await client.call(.post, path + "/account-managers", auth: admin, json: #"{"operatorId":"\#(managerID)"}"#)
                #expect((assigned.object["accountManagers"] as? [[String: Any]])?.map { $0["email"] as? String } == ["am@pmo.example"])
            }
            #expect(try await client.call(.get, path, auth: manager).status == .ok)
            let unassigned = try await client.call(.delete, path + "/account-managers/\(managerID)", auth: admin)
            #expect((unassigned.object["accountManagers"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.delete, path + "/account-managers/\(managerID)", auth: admin).status == .notFound)
            #expect(try await client.call(.get, path, auth: manager).status == .notFound)

            // Revoking a key and disabling an operator take effect on the next request.
            #expect(try await client.call(.post, "/v1/platform/operators/\(adminID)/disable", auth: admin).status == .conflict)
            let revoked = try await client.call(.post, "/v1/platform/operator-keys/\(keyID)/revoke", auth: admin)
            #expect(((revoked.object["keys"] as? [[String: Any]])?.first)?["revokedAt"] is String)
            #expect(try await client.call(.get, "/v1/platform/tenants", auth: manager).status == .unauthorized)
            #expect(try await client.call(.post, "/v1/platform/operator-keys/nokey/revoke", auth: admin).status == .notFound)
            let disabled = try await client.call(.post, "/v1/platform/operators/\(managerID)/disable", auth: admin)
            #expect(disabled.object["disabledAt"] is String)
            #expect(try await client.call(.post, "/v1/platform/operators/\(UUID())/disable", auth: admin).status == .notFound)

            let log = Self.items(try await client.call(.get, "/v1/platform/audit-events", auth: admin))
            // The fixture made the tenant and both operators with the admin CLI: those are there too,
            // as the CLI's user.
            #expect(log.prefix(3).allSatisfy { ($0["actor"] as? String)?.hasPrefix("pmo-admin:") == true })
            #expect(log.map { $0["operation"] as? String } == ["createTenant", "operator create", "operator create",
                                                              "assignPlatformAccountManager", "unassignPlatformAccountManager",
                                                              "revokePlatformOperatorKey", "disablePlatformOperator"])
        }
    }
}
