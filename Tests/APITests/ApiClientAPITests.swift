import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// API clients and their keys end to end.
@Suite struct ApiClientAPITests {
    @Test func aClientsKeysRotateAndStopAtOnceWhenTheClientIsDisabled() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("clients-a").tenant
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        try await env.withApp { client in
            let created = try await client.call(.post, "/v1/api-clients", auth: admin.authorization,
                                                json: #"{"name":"Reporting robot","scopes":["projects:read","usage:read"]}"#)
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? String)
            #expect(created.header("Location") == "/v1/api-clients/\(id)")
            #expect(created.object["status"] as? String == "active")
            #expect(created.object["scopes"] as? [String] == ["projects:read", "usage:read"])

            // Rotation: a second key, then the first revoked; the second keeps working.
            let first = try await client.call(.post, "/v1/api-clients/\(id)/keys", auth: admin.authorization, json: #"{"name":"2026-q3"}"#)
            #expect(first.status == .created)
            #expect(first.object["scopes"] as? [String] == ["projects:read", "usage:read"], "the client's scopes by default")
            let firstSecret = try #require(first.object["token"] as? String)
            let second = try await client.call(.post, "/v1/api-clients/\(id)/keys", auth: admin.authorization,
                                               json: #"{"name":"2026-q4","scopes":["projects:read"]}"#)
            let secondSecret = try #require(second.object["token"] as? String)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(firstSecret)").status == .ok)
            let firstID = try #require(first.object["id"] as? String)
            #expect(try await client.call(.delete, "/v1/api-clients/\(id)/keys/\(firstID)", auth: admin.authorization).status == .noContent)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(firstSecret)").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(secondSecret)").status == .ok)
            #expect(try await client.call(.get, "/v1/usage?from=2026-01-01&to=2026-01-02", auth: "Bearer \(secondSecret)").status == .forbidden)

            let keys = try await client.call(.get, "/v1/api-clients/\(id)/keys", auth: admin.authorization)
            let items = try #require(keys.object["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.allSatisfy { $0["token"] == nil }, "secrets are shown once")
            #expect(items.first?["name"] as? String == "2026-q4", "newest first")

            // Disabled: every key refused at once; enabled: they work again (the revoked one stays revoked).
            let disabled = try await client.call(.patch, "/v1/api-clients/\(id)", auth: admin.authorization,
                                                 json: #"{"status":"disabled"}"#, headers: ["If-Match": "\"1\""])
            #expect(disabled.status == .ok)
            #expect(disabled.object["disabledAt"] as? String != nil)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(secondSecret)").status == .unauthorized)
            let enabled = try await client.call(.patch, "/v1/api-clients/\(id)", auth: admin.authorization, json: #"{"status":"active"}"#)
            #expect(enabled.object["disabledAt"] == nil)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(secondSecret)").status == .ok)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(firstSecret)").status == .unauthorized)

            // Narrowing the client narrows its keys.
            let narrowed = try await client.call(.patch, "/v1/api-clients/\(id)", auth: admin.authorization,
                                                 json: #"{"scopes":["usage:read"]}"#)
            #expect(narrowed.status == .ok)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(secondSecret)").status == .forbidden)
            let fetched = try await client.call(.get, "/v1/api-clients/\(id)", auth: admin.authorization)
            #expect(fetched.object["lastUsedAt"] == nil, "last use is flushed every minute at most, not per request")
            #expect(fetched.header("ETag") == "\"4\"")
        }
        #expect(try await env.auditOperations(tenant: tenant.id) == [
            "createApiClient", "createApiClientKey", "createApiClientKey", "revokeApiClientKey",
            "updateApiClient", "updateApiClient", "updateApiClient"])
    }

    @Test func clientsHoldNoMoreThanTheirCreatorAndRefuseBadInput() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("clients-b").tenant
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        try await env.withApp { client in
            let cases: [(String, Int, String?)] = [
                (#"{"name":"Auditor bot","scopes":["projects:read","audit:read"]}"#, 422, "/scopes/1"),
                (#"{"name":"Bad","scopes":["root:all"]}"#, 422, "/scopes/0"),
                (#"{"name":"Empty","scopes":[]}"#, 422, "/scopes"),
                (#"{"name":"  ","scopes":["projects:read"]}"#, 422, "/name"),
                (#"{"scopes":["projects:read"]}"#, 400, nil),
            ]
            for (body, status, pointer) in cases {
                let response = try await client.call(.post, "/v1/api-clients", auth: admin.authorization, json: body)
                #expect(Int(response.status.code) == status, "\(body): \(response.text)")
                if let pointer {
                    #expect((response.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == pointer, "\(body)")
                }
            }
            let created = try await client.call(.post, "/v1/api-clients", auth: admin.authorization,
                                                json: #"{"name":"Robot","scopes":["projects:read"]}"#)
            let id = try #require(created.object["id"] as? String)
            let duplicate = try await client.call(.post, "/v1/api-clients", auth: admin.authorization,
                                                  json: #"{"name":"Robot","scopes":["projects:read"]}"#)
            #expect(duplicate.status == .conflict)
            #expect((duplicate.object["detail"] as? String)?.contains(id) == true, "names the existing client")
            let widen = try await client.call(.post, "/v1/api-clients/\(id)/keys", auth: admin.authorization,
                                              json: #"{"name":"k","scopes":["projects:write"]}"#)
            #expect(widen.status.code == 422)
            let stale = try await client.call(.patch, "/v1/api-clients/\(id)", auth: admin.authorization,
                                              json: #"{"name":"Renamed"}"#, headers: ["If-Match": "\"7\""])
            #expect(stale.status == .preconditionFailed)
            #expect(try await client.call(.patch, "/v1/api-clients/\(id)", auth: admin.authorization, json: #"{"status":null}"#).status.code == 422)
            #expect(try await client.call(.get, "/v1/api-clients/nope", auth: admin.authorization).status == .notFound)
            #expect(try await client.call(.delete, "/v1/api-clients/\(id)/keys/\(UUID())", auth: admin.authorization).status == .notFound)
        }
        #expect(try await env.count("api_clients", tenant: tenant.id) == 1)
        #expect(try await env.auditOperations(tenant: tenant.id) == ["createApiClient"])
    }

    @Test func nobodyManagesAClientMorePowerfulThanThemselves() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("clients-c").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        // A key that may only manage clients.
        let automation = try await env.createKey(for: tenant, scopes: [.apiClientsWrite])
        try await env.withApp { client in
            let auditing = try await client.call(.post, "/v1/api-clients", auth: owner.authorization,
                                                 json: #"{"name":"Auditing robot","scopes":["audit:read","members:write"]}"#)
            let id = try #require(auditing.object["id"] as? String)
            let key = try await client.call(.post, "/v1/api-clients/\(id)/keys", auth: owner.authorization, json: #"{"name":"k"}"#)
            let keyID = try #require(key.object["id"] as? String)
            for auth in [admin.authorization, automation.authorization] {
                let mint = try await client.call(.post, "/v1/api-clients/\(id)/keys", auth: auth, json: #"{"name":"stolen"}"#)
                #expect(mint.status == .forbidden)
                #expect(mint.object["type"] as? String == "/problems/client-not-manageable")
                let change = try await client.call(.patch, "/v1/api-clients/\(id)", auth: auth, json: #"{"status":"disabled"}"#)
                #expect(change.status == .forbidden)
                #expect(try await client.call(.delete, "/v1/api-clients/\(id)/keys/\(keyID)", auth: auth).status == .forbidden)
            }
            // The owner, holding everything, can.
            #expect(try await client.call(.post, "/v1/api-clients/\(id)/keys", auth: owner.authorization, json: #"{"name":"k2"}"#).status == .created)
        }
        #expect(try await env.count("api_keys", tenant: tenant.id) == 6)  // fixture, owner, admin, automation, k, k2
    }
}
