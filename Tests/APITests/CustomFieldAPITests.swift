import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Custom fields end to end: defined per organisation, validated on write, returned
/// inline and filterable in lists.
@Suite struct CustomFieldAPITests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }
    func pointers(_ response: TestResponse) -> [String] {
        (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    @Test func fieldsAreCheckedOnWriteReturnedInlineAndFilterable() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("cf").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            let auth = owner.authorization
            let region = try await client.call(.post, "/v1/custom-fields", auth: auth, json: """
                {"entity":"project","key":"region","label":"Region","type":"enum","options":["EMEA","APAC"]}
                """)
            #expect(region.status == .created, "\(region.text)")
            for body in [#"{"entity":"project","key":"score","label":"Score","type":"number"}"#,
                         #"{"entity":"work_item","key":"owner","label":"Owner","type":"user"}"#,
                         #"{"entity":"work_item","key":"review_on","label":"Review on","type":"date"}"#,
                         #"{"entity":"work_item","key":"notes","label":"Notes","type":"text"}"#] {
                #expect(try await client.call(.post, "/v1/custom-fields", auth: auth, json: body).status == .created)
            }
            // Bad definitions.
            let badDefinitions: [(String, String)] = [
                (#"{"entity":"project","key":"Bad-Key","label":"x","type":"text"}"#, "/key"),
                (#"{"entity":"project","key":"kind","label":"x","type":"enum"}"#, "/options"),
                (#"{"entity":"project","key":"size","label":"x","type":"number","options":["a"]}"#, "/options"),
            ]
            for (body, pointer) in badDefinitions {
                let response = try await client.call(.post, "/v1/custom-fields", auth: auth, json: body)
                #expect(response.status == .unprocessableContent && pointers(response) == [pointer], "\(body): \(response.text)")
            }
            let duplicate = try await client.call(.post, "/v1/custom-fields", auth: auth,
                                                  json: #"{"entity":"project","key":"region","label":"Again","type":"text"}"#)
            #expect(duplicate.status == .conflict)

            // Projects: values checked, returned inline, filterable.
            let emea = try await client.call(.post, "/v1/projects", auth: auth, json: """
                {"code":"CF-1","name":"One","currency":"EUR","customFields":{"region":"EMEA","score":7.5}}
                """)
            #expect(emea.status == .created, "\(emea.text)")
            let values = emea.object["customFields"] as? [String: Any]
            #expect(values?["region"] as? String == "EMEA" && values?["score"] as? Double == 7.5)
            _ = try await client.call(.post, "/v1/projects", auth: auth, json: """
                {"code":"CF-2","name":"Two","currency":"EUR","customFields":{"region":"APAC","score":3}}
                """)
            let badValues: [(String, [String])] = [
                (#"{"region":"LATAM"}"#, ["/customFields/region"]),
                (#"{"nope":"x"}"#, ["/customFields/nope"]),
                (#"{"score":"high","region":1}"#, ["/customFields/region", "/customFields/score"]),
            ]
            for (custom, expected) in badValues {
                let response = try await client.call(.post, "/v1/projects", auth: auth,
                                                     json: #"{"code":"CF-X","name":"X","currency":"EUR","customFields":\#(custom)}"#)
                #expect(response.status == .unprocessableContent && pointers(response) == expected, "\(custom): \(response.text)")
            }
            let inEMEA = try await client.call(.get, "/v1/projects?customField=region:EMEA", auth: auth)
            #expect(items(inEMEA).compactMap { $0["code"] as? String } == ["CF-1"], "\(inEMEA.text)")
            let scored = try await client.call(.get, "/v1/projects?customField=score:3&customField=region:APAC", auth: auth)
            #expect(items(scored).compactMap { $0["code"] as? String } == ["CF-2"])
            let unknown = try await client.call(.get, "/v1/projects?customField=colour:red", auth: auth)
            #expect(unknown.status == .unprocessableContent && pointers(unknown) == ["/customField"])
            // null removes a value; other values stay.
            let cleared = try await client.call(.patch, "/v1/projects/CF-1", auth: auth, json: #"{"customFields":{"region":null}}"#)
            #expect(cleared.status == .ok)
            #expect((cleared.object["customFields"] as? [String: Any])?.keys.sorted() == ["score"])

            // Work items: every failing item named, nothing created; then created and filtered.
            let member = try await client.call(.get, "/v1/members/me", auth: auth)
            let me = try #require(member.object["id"] as? String)
            let bad = try await client.call(.post, "/v1/projects/CF-1/work-items/bulk", auth: auth, json: """
                {"items":[{"title":"ok","customFields":{"owner":"\(me)"}},
                          {"title":"stranger","customFields":{"owner":"\(UUID().uuidString)"}},
                          {"title":"date","customFields":{"review_on":"2026-02-30"}}]}
                """)
            #expect(bad.status == .unprocessableContent)
            #expect(pointers(bad) == ["/items/1/customFields/owner", "/items/2/customFields/review_on"], "\(bad.text)")
            let created = try await client.call(.post, "/v1/projects/CF-1/work-items/bulk", auth: auth, json: """
                {"items":[{"title":"Mine","customFields":{"owner":"\(me)","notes":"hello"}},{"title":"Other"}]}
                """)
            #expect(created.status == .created, "\(created.text)")
            let mine = try await client.call(.get, "/v1/projects/CF-1/work-items?customField=owner:\(me)", auth: auth)
            #expect(items(mine).compactMap { $0["title"] as? String } == ["Mine"])

            // Deleting a definition removes its values everywhere.
            let fields = try await client.call(.get, "/v1/custom-fields?entity=work_item", auth: auth)
            let notes = try #require(items(fields).first { $0["key"] as? String == "notes" }?["id"] as? String)
            #expect(try await client.call(.delete, "/v1/custom-fields/\(notes)", auth: auth).status == .noContent)
            let after = try await client.call(.get, "/v1/projects/CF-1/work-items", auth: auth)
            let mineAfter = items(after).first { $0["title"] as? String == "Mine" }?["customFields"] as? [String: Any]
            #expect(mineAfter?.keys.sorted() == ["owner"])
        }
        #expect(try await env.count("work_items", tenant: tenant.id) == 2)
        #expect(try await env.count("projects", tenant: tenant.id) == 2)
    }
}
