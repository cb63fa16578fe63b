import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Reading the audit log: filters, pages, and the NDJSON export.
@Suite struct AuditAPITests {
    @Test func auditorsFilterAndPageTheirTenantsEvents() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("audit-a").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let auditor = try await env.createMember(in: tenant, role: .auditor)
        let other = try await env.createMember(in: try await env.createTenant("audit-b").tenant, role: .owner)
        try await env.withApp { client in
            let created = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"AUD-1","name":"Audited","currency":"EUR"}"#)
            let projectID = try #require(created.object["id"] as? String)
            #expect(try await client.call(.patch, "/v1/projects/AUD-1", auth: owner.authorization,
                                          json: #"{"name":"Audited twice"}"#).status == .ok)
            #expect(try await client.call(.post, "/v1/members", auth: owner.authorization,
                                          json: #"{"email":"new@example.com","role":"viewer"}"#).status == .created)
            _ = try await client.call(.post, "/v1/projects", auth: other.authorization,
                                      json: #"{"code":"OTHER-1","name":"Other tenant","currency":"EUR"}"#)

            let all = try await client.call(.get, "/v1/audit-events", auth: auditor.authorization)
            #expect(all.status == .ok)
            let items = try #require(all.object["items"] as? [[String: Any]])
            // The operator's createTenant (the fixture creates tenants as the CLI does) comes first.
            #expect(items.compactMap { $0["operation"] as? String } == ["createTenant", "createProject", "updateProject", "inviteMember"])
            #expect((items[0]["actor"] as? [String: Any])?["type"] as? String == "operator")
            #expect(!all.text.contains("OTHER-1") && !all.text.contains(other.keyID.uuidString.lowercased()))
            let update = items[2]
            #expect((update["resource"] as? [String: Any])?["id"] as? String == projectID)
            #expect((update["actor"] as? [String: Any])?["type"] as? String == "api_key")
            #expect((update["actor"] as? [String: Any])?["id"] as? String == owner.keyID.uuidString.lowercased())
            #expect(update["changedFields"] as? [String] == ["name"])
            #expect(update["requestId"] as? String != nil)

            let byResource = try await client.call(
                .get, "/v1/audit-events?resourceType=project&resourceId=\(projectID)", auth: auditor.authorization)
            #expect((byResource.object["items"] as? [Any])?.count == 2)
            let byOperation = try await client.call(.get, "/v1/audit-events?operation=inviteMember", auth: auditor.authorization)
            #expect((byOperation.object["items"] as? [Any])?.count == 1)
            let byActor = try await client.call(
                .get, "/v1/audit-events?actorType=api_key&actorId=\(auditor.keyID.uuidString.lowercased())", auth: auditor.authorization)
            #expect((byActor.object["items"] as? [Any])?.isEmpty == true)
            let future = try await client.call(.get, "/v1/audit-events?from=2999-01-01T00:00:00Z", auth: auditor.authorization)
            #expect((future.object["items"] as? [Any])?.isEmpty == true)
            let past = try await client.call(.get, "/v1/audit-events?to=2000-01-01T00:00:00Z", auth: auditor.authorization)
            #expect((past.object["items"] as? [Any])?.isEmpty == true)

            var walked: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, "/v1/audit-events?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""),
                                                 auth: auditor.authorization)
                walked += (page.object["items"] as? [[String: Any]] ?? []).compactMap { $0["operation"] as? String }
                cursor = page.object["nextCursor"] as? String
            } while cursor != nil
            #expect(walked == ["createTenant", "createProject", "updateProject", "inviteMember"])

            for query in ["resourceId=nope", "from=yesterday", "actorType=robot", "limit=0", "resourceType=", "resourceType=Project",
                          "operation=create-project", "actorId=%00", "actorId=" + String(repeating: "x", count: 201)] {
                let bad = try await client.call(.get, "/v1/audit-events?\(query)", auth: auditor.authorization)
                #expect(bad.status == .badRequest, "\(query): \(bad.status)")
            }
            // Reading the log is not itself audited, and project managers may not read it.
            let manager = try await env.createMember(in: tenant, role: .projectManager)
            #expect(try await client.call(.get, "/v1/audit-events", auth: manager.authorization).status == .forbidden)
        }
        #expect(try await env.auditOperations(tenant: tenant.id) == ["createProject", "inviteMember", "updateProject"])
    }

    @Test func eventsSayWhereTheRequestCameFrom() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("audit-where").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        // Served on loopback, so the request has a client address.
        let addresses = try await env.withApp(testing: .live) { client in
            #expect(try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                          json: #"{"code":"WHERE-1","name":"From loopback","currency":"EUR"}"#).status == .created)
            let listed = try await client.call(.get, "/v1/audit-events?operation=createProject", auth: owner.authorization)
            return (listed.object["items"] as? [[String: Any]] ?? []).map { $0["clientAddress"] as? String }
        }
        #expect(addresses == ["127.0.0.1"])
        // The admin CLI's events have none.
        try await env.withApp { client in
            let operatorEvents = try await client.call(.get, "/v1/audit-events?actorType=operator", auth: owner.authorization)
            let items = try #require(operatorEvents.object["items"] as? [[String: Any]])
            #expect(!items.isEmpty && items.allSatisfy { $0["clientAddress"] == nil })
        }
    }

    @Test func theExportStreamsEveryMatchingEventAsNDJSONAcrossPages() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("audit-export").tenant
        let auditor = try await env.createMember(in: tenant, role: .auditor)
        // More than two export pages of operator events, written as the CLI writes them.
        let total = 1_234
        try await env.withOwner { database in
            try await database.tenantTransaction(tenant.id) { scope in
                for index in 0..<total {
                    try await AuditLog(scope).recordOperator(index % 2 == 0 ? "even" : "odd", resourceType: "tenant",
                                                             resourceID: tenant.id.uuid)
                }
            }
        }
        try await env.withApp { client in
            let export = try await client.call(.get, "/v1/audit-events/export", auth: auditor.authorization)
            #expect(export.status == .ok)
            #expect(export.header("Content-Type")?.hasPrefix("application/x-ndjson") == true)
            let lines = export.text.split(separator: "\n")
            #expect(lines.count == total + 1)  // and the operator's createTenant
            let ids = try lines.map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return try #require(object["id"] as? String)
            }
            #expect(Set(ids).count == total + 1, "no event twice")
            #expect(ids == ids.sorted(), "oldest first")

            let odd = try await client.call(.get, "/v1/audit-events/export?operation=odd", auth: auditor.authorization)
            #expect(odd.text.split(separator: "\n").count == total / 2)
            let none = try await client.call(.get, "/v1/audit-events/export?operation=none", auth: auditor.authorization)
            #expect(none.status == .ok)
            #expect(none.text.isEmpty)
            let viewer = try await env.createMember(in: tenant, role: .viewer)
            let refused = try await client.call(.get, "/v1/audit-events/export", auth: viewer.authorization)
            #expect(refused.status == .forbidden)
            #expect(refused.object["type"] as? String == "/problems/insufficient-scope")
        }
    }
}
