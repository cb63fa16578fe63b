import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// The project endpoints end to end: real HTTP handling, real PostgreSQL, the app role.
@Suite struct ProjectAPITests {
    static let body = #"{"code":"CC-1","name":"Contact centre","currency":"GBP","plannedStart":"2026-01-05","plannedFinish":"2026-06-30","budgetAtCompletion":1000}"#

    @Test func createGetByIdAndByCodeThenList() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("proj-a")
        try await env.withApp { client in
            let created = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.body)
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? String)
            #expect(created.header("Location") == "/v1/projects/\(id)")
            #expect(created.header("ETag") == "\"1\"")
            #expect(created.header("X-Request-Id") != nil)
            #expect(created.object["status"] as? String == "proposed")
            #expect(created.object["methodology"] as? String == "predictive")

            let byID = try await client.call(.get, "/v1/projects/\(id)", auth: a.authorization)
            #expect(byID.status == .ok)
            #expect(byID.object["code"] as? String == "CC-1")
            let byCode = try await client.call(.get, "/v1/projects/CC-1", auth: a.authorization)
            #expect(byCode.object["id"] as? String == id)

            let list = try await client.call(.get, "/v1/projects", auth: a.authorization)
            #expect(list.status == .ok)
            #expect((list.object["items"] as? [Any])?.count == 1)
            #expect(list.object["nextCursor"] == nil, "the last page has no cursor")
        }
        #expect(try await env.apiAudits(tenant: a.tenant.id) == 1)
    }

    @Test func cursorPaginationWalksEveryProjectOnceAndFiltersByStatus() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("proj-b")
        try await env.withApp { client in
            for index in 0..<7 {
                let status = index % 2 == 0 ? "active" : "proposed"
                let json = #"{"code":"P-\#(index)","name":"Project \#(index)","currency":"EUR","status":"\#(status)"}"#
                #expect(try await client.call(.post, "/v1/projects", auth: a.authorization, json: json).status == .created)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let uri = "/v1/projects?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.call(.get, uri, auth: a.authorization)
                #expect(page.status == .ok)
                seen += (page.object["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                cursor = page.object["nextCursor"] as? String
            } while cursor != nil
            #expect(seen == (0..<7).map { "P-\($0)" })

            let active = try await client.call(.get, "/v1/projects?status=active&limit=200", auth: a.authorization)
            #expect((active.object["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["P-0", "P-2", "P-4", "P-6"])
        }
    }

    @Test func patchAppliesMergeSemanticsAndBumpsTheVersion() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("proj-c")
        try await env.withApp { client in
            let json = #"{"code":"CC-2","name":"N","currency":"GBP","sponsor":"COO","manager":"PM"}"#
            _ = try await client.call(.post, "/v1/projects", auth: a.authorization, json: json)
            let patched = try await client.call(.patch, "/v1/projects/CC-2", auth: a.authorization,
                                                json: #"{"name":"Renamed","sponsor":null,"status":"active"}"#,
                                                headers: ["If-Match": "\"1\""])
            #expect(patched.status == .ok)
            #expect(patched.object["name"] as? String == "Renamed")
            #expect(patched.object["sponsor"] == nil || patched.object["sponsor"] is NSNull)
            #expect(patched.object["manager"] as? String == "PM")
            #expect(patched.object["status"] as? String == "active")
            #expect(patched.object["version"] as? Int == 2)
            #expect(patched.header("ETag") == "\"2\"")
            // Without If-Match the write applies (documented).
            let again = try await client.call(.patch, "/v1/projects/CC-2", auth: a.authorization, json: #"{"phase":"planning"}"#)
            #expect(again.status == .ok)
            #expect(again.object["version"] as? Int == 3)
        }
        #expect(try await env.apiAudits(tenant: a.tenant.id) == 3)
    }

    @Test func illegalStatusChangeIs409ListingAllowedStatuses() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("proj-d")
        try await env.withApp { client in
            _ = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                      json: #"{"code":"CC-3","name":"N","currency":"GBP","status":"completed"}"#)
            let response = try await client.call(.patch, "/v1/projects/CC-3", auth: a.authorization, json: #"{"status":"active"}"#)
            #expect(response.status == .conflict)
            #expect(response.object["type"] as? String == "/problems/illegal-transition")
            #expect(response.object["allowed"] as? [String] == [])
            let proposed = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                                 json: #"{"code":"CC-4","name":"N","currency":"GBP"}"#)
            #expect(proposed.status == .created)
            let skip = try await client.call(.patch, "/v1/projects/CC-4", auth: a.authorization, json: #"{"status":"completed"}"#)
            #expect(skip.status == .conflict)
            #expect(skip.object["allowed"] as? [String] == ["active", "cancelled"])
        }
    }

    @Test func deleteRemovesTheProjectAndHonoursIfMatch() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("proj-e")
        try await env.withApp { client in
            _ = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.body)
            let stale = try await client.call(.delete, "/v1/projects/CC-1", auth: a.authorization, headers: ["If-Match": "\"7\""])
            #expect(stale.status == .preconditionFailed)
            let deleted = try await client.call(.delete, "/v1/projects/CC-1", auth: a.authorization, headers: ["If-Match": "\"1\""])
            #expect(deleted.status == .noContent)
            #expect(try await client.call(.get, "/v1/projects/CC-1", auth: a.authorization).status == .notFound)
            #expect(try await client.call(.delete, "/v1/projects/CC-1", auth: a.authorization).status == .notFound)
        }
        #expect(try await env.count("projects") == 0)
    }

    @Test func idempotentRetryReturnsTheFirstResponseAndCreatesOnce() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("proj-f")
        try await env.withApp { client in
            let first = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.body,
                                              headers: ["Idempotency-Key": "order-42"])
            let retry = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.body,
                                              headers: ["Idempotency-Key": "order-42"])
            #expect(first.status == .created)
            #expect(retry.status == .created)
            #expect(retry.object["id"] as? String == first.object["id"] as? String)
            #expect(retry.object["createdAt"] as? String == first.object["createdAt"] as? String)
            #expect(retry.header("Location") == first.header("Location"))
        }
        #expect(try await env.count("projects") == 1)
    }

    @Test func duplicateCodeIs409() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("proj-g")
        try await env.withApp { client in
            _ = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.body)
            let duplicate = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.body)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.object["type"] as? String == "/problems/duplicate")
        }
        #expect(try await env.count("projects") == 1)
    }

    @Test func operationalEndpointsAnswerWithoutCredentials() async throws {
        let env = try await TestEnvironment()
        try await env.withApp { client in
            #expect(try await client.call(.get, "/healthz").status == .ok)
            // Readiness depends on the database answering in time; on a loaded test machine the very
            // first connection may not, so poll briefly as a load balancer would.
            var ready = try await client.call(.get, "/readyz")
            for _ in 0..<20 where ready.status != .ok {
                try await Task.sleep(for: .milliseconds(500))
                ready = try await client.call(.get, "/readyz")
            }
            #expect(ready.status == .ok)
            let document = try await client.call(.get, "/openapi.yaml")
            #expect(document.status == .ok)
            #expect(document.text.hasPrefix("openapi: 3.1.0"))
            let echoed = try await client.call(.get, "/healthz", headers: ["X-Request-Id": "trace-12345678"])
            #expect(echoed.header("X-Request-Id") == "trace-12345678")
            let unknown = try await client.call(.get, "/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.header("Content-Type") == "application/problem+json")
        }
    }
}
