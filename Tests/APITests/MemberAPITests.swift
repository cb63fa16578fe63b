import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// Members, invitations and personal access tokens end to end.
@Suite struct MemberAPITests {
    @Test func anInvitationIsAcceptedOnceAndYieldsATokenWithTheRolesScopes() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("members-a").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            let invited = try await client.call(.post, "/v1/members", auth: owner.authorization,
                                                json: #"{"email":"Ada.Lovelace@Example.COM","role":"project_manager"}"#)
            #expect(invited.status == .created)
            let member = try #require(invited.object["member"] as? [String: Any])
            let id = try #require(member["id"] as? String)
            #expect(invited.header("Location") == "/v1/members/\(id)")
            #expect(member["email"] as? String == "ada.lovelace@example.com")
            #expect(member["status"] as? String == "invited")
            #expect(member["invitationExpiresAt"] as? String != nil)
            let invitation = try #require(invited.object["invitation"] as? [String: Any])
            let token = try #require(invitation["token"] as? String)
            #expect(token.hasPrefix("pmo_inv_"))

            let accepted = try await client.call(.post, "/v1/invitations/accept",
                                                 json: #"{"token":"\#(token)","name":"Ada Lovelace"}"#)
            #expect(accepted.status == .ok)
            #expect((accepted.object["member"] as? [String: Any])?["status"] as? String == "active")
            #expect((accepted.object["member"] as? [String: Any])?["name"] as? String == "Ada Lovelace")
            let access = try #require(accepted.object["accessToken"] as? [String: Any])
            #expect(access["scopes"] as? [String] == Role.projectManager.scopes.map(\.rawValue).sorted())
            let secret = try #require(access["token"] as? String)

            let me = try await client.call(.get, "/v1/members/me", auth: "Bearer \(secret)")
            #expect(me.status == .ok)
            #expect(me.object["email"] as? String == "ada.lovelace@example.com")
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(secret)").status == .ok)

            // Single use: the same token again is unknown, and nothing changes.
            let again = try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)"}"#)
            #expect(again.status == .notFound)
            let tokens = try await client.call(.get, "/v1/members/me/tokens", auth: "Bearer \(secret)")
            #expect((tokens.object["items"] as? [Any])?.count == 1)
        }
        #expect(try await env.count("api_keys", tenant: tenant.id) == 3)  // fixture key, owner's, Ada's
        #expect(try await env.auditOperations(tenant: tenant.id) == ["acceptInvitation", "createMyToken", "inviteMember"])
    }

    @Test func expiredUnknownAndMalformedInvitationsChangeNothing() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("members-b").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let eightDaysAgo = Domain.Environment(now: { Date().addingTimeInterval(-8 * 24 * 3600) },
                                              newID: Domain.Environment.live.newID)
        let token = try await env.withApp(environment: eightDaysAgo) { client in
            let invited = try await client.call(.post, "/v1/members", auth: owner.authorization,
                                                json: #"{"email":"late@example.com","role":"viewer"}"#)
            return try #require((invited.object["invitation"] as? [String: Any])?["token"] as? String)
        }
        try await env.withApp { client in
            let expired = try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)"}"#)
            #expect(expired.status == .gone)
            #expect(expired.object["type"] as? String == "/problems/invitation-expired")
            let wrongSecret = String(token.dropLast(4)) + "aaaa"
            for body in [#"{"token":"\#(wrongSecret)"}"#, #"{"token":"pmo_inv_nothing"}"#,
                         #"{"token":"pmo_inv_abcdefghijkl_\#(String(repeating: "a", count: 52))"}"#] {
                let refused = try await client.call(.post, "/v1/invitations/accept", json: body)
                #expect(refused.status == .notFound, "\(body)")
            }
            #expect(try await client.call(.post, "/v1/invitations/accept", json: #"{"name":"x"}"#).status == .badRequest)
            #expect(try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"#).status == .badRequest)
        }
        #expect(try await env.auditOperations(tenant: tenant.id) == ["inviteMember"])

        // Inviting the address again replaces the expired invitation; the old token stays dead.
        try await env.withApp { client in
            let again = try await client.call(.post, "/v1/members", auth: owner.authorization,
                                              json: #"{"email":"late@example.com","role":"contributor"}"#)
            #expect(again.status == .created)
            #expect((again.object["member"] as? [String: Any])?["role"] as? String == "contributor")
            let fresh = try #require((again.object["invitation"] as? [String: Any])?["token"] as? String)
            #expect(try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)"}"#).status == .notFound)
            #expect(try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(fresh)"}"#).status == .ok)
            // Once accepted, the address is a member's: a third invitation is a duplicate.
            let third = try await client.call(.post, "/v1/members", auth: owner.authorization,
                                              json: #"{"email":"late@example.com","role":"viewer"}"#)
            #expect(third.status == .conflict)
        }
    }

    @Test func invitationsRefuseBadInputDuplicatesAndRolesTheCallerCannotGive() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("members-c").tenant
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin, email: "admin@example.com")
        try await env.withApp { client in
            let cases: [(String, Int, String?)] = [
                (#"{"email":"no-at-sign","role":"viewer"}"#, 422, "/email"),
                (#"{"email":"a b@example.com","role":"viewer"}"#, 422, "/email"),
                (#"{"email":"x@example.com","role":"emperor"}"#, 400, nil),
                (#"{"role":"viewer"}"#, 400, nil),
                (#"{"email":"x@example.com","role":"viewer","name":"   "}"#, 422, "/name"),
                (#"{"email":"ADMIN@example.com","role":"viewer"}"#, 409, "/email"),
            ]
            for (body, status, pointer) in cases {
                let response = try await client.call(.post, "/v1/members", auth: admin.authorization, json: body)
                #expect(Int(response.status.code) == status, "\(body): \(response.text)")
                if let pointer {
                    #expect((response.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == pointer)
                }
            }
            // A pmo_admin lacks audit:read, so it can give neither owner nor auditor.
            for role in ["owner", "auditor"] {
                let response = try await client.call(.post, "/v1/members", auth: admin.authorization,
                                                     json: #"{"email":"\#(role)@example.com","role":"\#(role)"}"#)
                #expect(response.status == .forbidden)
                #expect(response.object["type"] as? String == "/problems/role-not-grantable")
            }
        }
        #expect(try await env.count("members", tenant: tenant.id) == 1)
        #expect(try await env.auditOperations(tenant: tenant.id).isEmpty)
    }

    @Test func theLastActiveOwnerCannotBeDemotedOrDeactivated() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("members-d").tenant
        let first = try await env.createMember(in: tenant, role: .owner)
        let second = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            let demoted = try await client.call(.patch, "/v1/members/\(second.member.id)", auth: first.authorization,
                                                json: #"{"role":"viewer"}"#)
            #expect(demoted.status == .ok)
            #expect(demoted.header("ETag") == "\"3\"")  // invited 1, accepted 2, demoted 3
            for body in [#"{"role":"pmo_admin"}"#, #"{"status":"deactivated"}"#] {
                let refused = try await client.call(.patch, "/v1/members/\(first.member.id)", auth: first.authorization, json: body)
                #expect(refused.status == .conflict, "\(body)")
                #expect(refused.object["type"] as? String == "/problems/last-owner")
            }
            // Promoting another owner first makes it possible.
            let promoted = try await client.call(.patch, "/v1/members/\(second.member.id)", auth: first.authorization,
                                                 json: #"{"role":"owner"}"#)
            #expect(promoted.status == .ok)
            // second's token was narrowed to viewer when demoted; promotion does not widen it again.
            #expect(try await client.call(.get, "/v1/members", auth: second.authorization).status == .forbidden)
            let stepDown = try await client.call(.patch, "/v1/members/\(first.member.id)", auth: first.authorization,
                                                 json: #"{"role":"viewer"}"#)
            #expect(stepDown.status == .ok)
        }
    }

    @Test func concurrentDemotionsOfTheLastTwoOwnersLeaveOne() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("members-race").tenant
        for round in 0..<5 {
            let first = try await env.createMember(in: tenant, role: .owner, email: "a\(round)@example.com")
            let second = try await env.createMember(in: tenant, role: .owner, email: "b\(round)@example.com")
            let statuses = try await env.withApp { client in
                // Each demotes the other, at once.
                async let one = client.call(.patch, "/v1/members/\(second.member.id)", auth: first.authorization,
                                            json: #"{"role":"viewer"}"#)
                async let two = client.call(.patch, "/v1/members/\(first.member.id)", auth: second.authorization,
                                            json: #"{"role":"viewer"}"#)
                return try await [one.status.code, two.status.code].sorted()
            }
            // The loser either waited on the owners' lock and then saw a single owner (409), or started
            // after the winner committed, with its token already narrowed to viewer (403).
            #expect(statuses == [200, 409] || statuses == [200, 403], "round \(round): \(statuses)")
            // Exactly one owner is left active either way.
            let owners = try await env.withOwner { database in
                try await database.tenantTransaction(tenant.id) { scope in
                    try await MemberStore(scope).lockActiveOwners()
                }
            }
            #expect(owners.count == 1)
            // The survivor steps aside (directly in the table), so the next round's two owners are the last two.
            _ = try await env.withOwner { database in
                try await database.tenantTransaction(tenant.id) { scope in
                    try await scope.query("update members set role = 'viewer' where tenant_id = \(tenant.id)")
                }
            }
        }
    }

    @Test func roleChangesNarrowTokensAndDeactivationRevokesThemAtOnce() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("members-e").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let manager = try await env.createMember(in: tenant, role: .projectManager)
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        try await env.withApp { client in
            let project = #"{"code":"P-1","name":"Project","currency":"EUR"}"#
            #expect(try await client.call(.post, "/v1/projects", auth: manager.authorization, json: project).status == .created)

            // A stale If-Match is refused and changes nothing.
            let stale = try await client.call(.patch, "/v1/members/\(manager.member.id)", auth: owner.authorization,
                                              json: #"{"role":"viewer"}"#, headers: ["If-Match": "\"1\""])
            #expect(stale.status == .preconditionFailed)

            let narrowed = try await client.call(.patch, "/v1/members/\(manager.member.id)", auth: owner.authorization,
                                                 json: #"{"role":"viewer"}"#, headers: ["If-Match": "\"2\""])
            #expect(narrowed.status == .ok)
            let write = try await client.call(.post, "/v1/projects", auth: manager.authorization,
                                              json: #"{"code":"P-2","name":"Project","currency":"EUR"}"#)
            #expect(write.status == .forbidden)
            #expect(try await client.call(.get, "/v1/projects", auth: manager.authorization).status == .ok)

            // A pmo_admin cannot touch an owner.
            let coup = try await client.call(.patch, "/v1/members/\(owner.member.id)", auth: admin.authorization,
                                             json: #"{"status":"deactivated"}"#)
            #expect(coup.status == .forbidden)
            #expect(coup.object["type"] as? String == "/problems/role-not-grantable")

            let deactivated = try await client.call(.patch, "/v1/members/\(manager.member.id)", auth: admin.authorization,
                                                    json: #"{"status":"deactivated"}"#)
            #expect(deactivated.status == .ok)
            #expect(deactivated.object["deactivatedAt"] as? String != nil)
            #expect(try await client.call(.get, "/v1/projects", auth: manager.authorization).status == .unauthorized)

            // Transitions: deactivated → active is allowed for a member who had been active, but the
            // revoked token stays revoked; invited → active is not a PATCH (accepting is).
            let back = try await client.call(.patch, "/v1/members/\(manager.member.id)", auth: admin.authorization,
                                             json: #"{"status":"active"}"#)
            #expect(back.status == .ok)
            #expect(try await client.call(.get, "/v1/projects", auth: manager.authorization).status == .unauthorized)
            let invited = try await client.call(.post, "/v1/members", auth: admin.authorization,
                                                json: #"{"email":"new@example.com","role":"viewer"}"#)
            let newID = try #require((invited.object["member"] as? [String: Any])?["id"] as? String)
            let skip = try await client.call(.patch, "/v1/members/\(newID)", auth: admin.authorization, json: #"{"status":"active"}"#)
            #expect(skip.status == .conflict)
            #expect(skip.object["allowed"] as? [String] == ["deactivated"])
            let withdrawn = try await client.call(.patch, "/v1/members/\(newID)", auth: admin.authorization,
                                                  json: #"{"status":"deactivated"}"#)
            #expect(withdrawn.status == .ok)
            let revive = try await client.call(.patch, "/v1/members/\(newID)", auth: admin.authorization, json: #"{"status":"active"}"#)
            #expect(revive.status == .conflict)
            #expect(revive.object["allowed"] as? [String] == [])
            #expect(try await client.call(.patch, "/v1/members/\(newID)", auth: admin.authorization, json: #"{"role":null}"#).status.code == 422)
            #expect(try await client.call(.get, "/v1/members/not-a-uuid", auth: admin.authorization).status == .notFound)
        }
    }

    @Test func personalTokensStayWithinTheRoleAndCanBeRevoked() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("members-f", scopes: [.projectsRead, .profileRead, .profileWrite])
        let viewer = try await env.createMember(in: tenant.tenant, role: .viewer)
        try await env.withApp { client in
            let beyond = try await client.call(.post, "/v1/members/me/tokens", auth: viewer.authorization,
                                               json: #"{"name":"ci","scopes":["projects:read","projects:write"]}"#)
            #expect(beyond.status.code == 422)
            #expect((beyond.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/scopes/1")
            let unknown = try await client.call(.post, "/v1/members/me/tokens", auth: viewer.authorization,
                                                json: #"{"name":"ci","scopes":["root:all"]}"#)
            #expect(unknown.status.code == 422)
            let nullScopes = try await client.call(.post, "/v1/members/me/tokens", auth: viewer.authorization,
                                                   json: #"{"name":"ci","scopes":null}"#)
            #expect(nullScopes.status.code == 422)
            let past = try await client.call(.post, "/v1/members/me/tokens", auth: viewer.authorization,
                                             json: #"{"name":"ci","expiresAt":"2020-01-01T00:00:00Z"}"#)
            #expect(past.status.code == 422)

            let created = try await client.call(.post, "/v1/members/me/tokens", auth: viewer.authorization,
                                                json: #"{"name":"reporting","scopes":["projects:read"],"expiresAt":"2099-01-01T00:00:00.5+02:00"}"#)
            #expect(created.status == .created)
            #expect(created.object["expiresAt"] as? String == "2098-12-31T22:00:00Z")
            let secret = try #require(created.object["token"] as? String)
            let id = try #require(created.object["id"] as? String)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(secret)").status == .ok)
            #expect(try await client.call(.get, "/v1/members/me/tokens", auth: "Bearer \(secret)").status == .forbidden)

            let listed = try await client.call(.get, "/v1/members/me/tokens", auth: viewer.authorization)
            let items = try #require(listed.object["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.allSatisfy { $0["token"] == nil }, "secrets are shown once")
            #expect(items.first?["id"] as? String == id, "newest first")

            #expect(try await client.call(.delete, "/v1/members/me/tokens/\(id)", auth: viewer.authorization).status == .noContent)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(secret)").status == .unauthorized)
            #expect(try await client.call(.delete, "/v1/members/me/tokens/\(id)", auth: viewer.authorization).status == .noContent)
            #expect(try await client.call(.delete, "/v1/members/me/tokens/\(UUID())", auth: viewer.authorization).status == .notFound)

            // A narrowed token cannot mint a wider one, even within the role.
            let narrow = try await client.call(.post, "/v1/members/me/tokens", auth: viewer.authorization,
                                               json: #"{"name":"narrow","scopes":["profile:write"]}"#)
            let narrowSecret = try #require(narrow.object["token"] as? String)
            let wider = try await client.call(.post, "/v1/members/me/tokens", auth: "Bearer \(narrowSecret)",
                                              json: #"{"name":"wider","scopes":["projects:read"]}"#)
            #expect(wider.status.code == 422)
            let byDefault = try await client.call(.post, "/v1/members/me/tokens", auth: "Bearer \(narrowSecret)", json: #"{"name":"same"}"#)
            #expect(byDefault.object["scopes"] as? [String] == ["profile:write"])

            // An API client's key is no member.
            let notMember = try await client.call(.get, "/v1/members/me", auth: tenant.authorization)
            #expect(notMember.status == .forbidden)
            #expect(notMember.object["type"] as? String == "/problems/not-a-member")
        }
        #expect(try await env.auditOperations(tenant: tenant.tenant.id) == ["createMyToken", "createMyToken", "createMyToken", "revokeMyToken"])
    }
}
