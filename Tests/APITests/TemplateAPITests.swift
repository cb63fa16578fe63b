import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// The methodology library end to end.
@Suite struct TemplateAPITests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }

    @Test func everyPlatformTemplateBecomesAScheduledProject() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("tpl-platform").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            let listed = try await client.call(.get, "/v1/templates", auth: owner.authorization)
            let platform = items(listed).filter { $0["scope"] as? String == "platform" }
            #expect(platform.compactMap { $0["name"] as? String } == [
                "PMI predictive project", "Scrum project", "Contact-centre site set-up (2,000 seats)", "Service transition",
            ])
            for (index, template) in platform.enumerated() {
                let id = try #require(template["id"] as? String)
                let content = try #require(template["content"] as? [String: Any])
                let templateItems = content["items"] as? [[String: Any]] ?? []
                let phases = content["phases"] as? [String] ?? []
                let created = try await client.call(.post, "/v1/projects/from-template", auth: owner.authorization, json: """
                    {"templateId":"\(id)","code":"TPL-\(index)","name":"From \(index)","currency":"EUR","startDate":"2026-12-01"}
                    """)
                #expect(created.status == .created, "\(template["name"] ?? ""): \(created.text)")
                let budget = templateItems.reduce(0) { $0 + ($1["budgetedCost"] as? Int ?? 0) }
                #expect(created.object["budgetAtCompletion"] as? Int == budget)
                #expect(created.object["plannedStart"] as? String == "2026-12-01")
                #expect(created.object["methodology"] as? String == template["methodology"] as? String)
                // One work package per phase, then every item of the template.
                let workItems = try await client.call(.get, "/v1/projects/TPL-\(index)/work-items?limit=200", auth: owner.authorization)
                var count = items(workItems).count
                var cursor = workItems.object["nextCursor"] as? String
                while let next = cursor {
                    let page = try await client.call(.get, "/v1/projects/TPL-\(index)/work-items?limit=200&cursor=\(next)",
                                                     auth: owner.authorization)
                    count += items(page).count
                    cursor = page.object["nextCursor"] as? String
                }
                #expect(count == templateItems.count + phases.count, "\(template["name"] ?? "")")
                let schedule = try await client.call(.get, "/v1/projects/TPL-\(index)/schedule", auth: owner.authorization)
                #expect(schedule.status == .ok && !(schedule.object["criticalPath"] as? [String] ?? []).isEmpty,
                        "\(template["name"] ?? ""): \(schedule.text.prefix(300))")
                let links = try await client.call(.get, "/v1/projects/TPL-\(index)/dependencies?limit=200", auth: owner.authorization)
                #expect(items(links).count == min(200, (content["dependencies"] as? [Any] ?? []).count))
            }
            // Platform templates are read-only.
            let platformID = try #require(platform.first?["id"] as? String)
            let refused = try await client.call(.delete, "/v1/templates/\(platformID)", auth: owner.authorization)
            #expect(refused.status == .forbidden && refused.object["type"] as? String == "/problems/platform-template")
        }
    }

    @Test func anOrganisationsTemplateIsCheckedAsAWholeAndUsedLikeThePlatformOnes() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("tpl-own").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let good = """
            {"phases":["Construction","Run"],
             "items":[{"key":"kickoff","title":"Kick-off","kind":"milestone","phase":"Construction","offsetDays":0,"durationDays":0},
                      {"key":"build","title":"Build","kind":"deliverable","phase":"Construction","offsetDays":0,"durationDays":10,"budgetedCost":500000},
                      {"key":"code","title":"Code","parentKey":"build","kind":"task","offsetDays":0,"durationDays":6,"budgetedCost":300000},
                      {"key":"test","title":"Test","parentKey":"build","kind":"task","offsetDays":6,"durationDays":4,"budgetedCost":200000},
                      {"key":"live","title":"Go-live","kind":"milestone","phase":"Run","offsetDays":10,"durationDays":0}],
             "dependencies":[{"predecessorKey":"kickoff","successorKey":"code"},{"predecessorKey":"code","successorKey":"test"},
                             {"predecessorKey":"test","successorKey":"live"}],
             "riskCategories":["Technical","People"]}
            """
        try await env.withApp { client in
            let bad: [(String, [String])] = [
                (#"{"phases":["P"],"items":[{"key":"a","title":"A","kind":"task","offsetDays":0,"durationDays":1},{"key":"b","title":"B","kind":"task","offsetDays":0,"durationDays":1}],"dependencies":[{"predecessorKey":"a","successorKey":"b"},{"predecessorKey":"b","successorKey":"a"}]}"#,
                 ["/content/dependencies"]),
                (#"{"phases":["P"],"items":[{"key":"a","title":"A","kind":"task","parentKey":"z","offsetDays":0,"durationDays":1}]}"#,
                 ["/content/items/0/parentKey"]),
                (#"{"phases":["P"],"items":[{"key":"m","title":"M","kind":"milestone","offsetDays":0,"durationDays":3},{"key":"m","title":"Again","kind":"task","phase":"Q","offsetDays":0,"durationDays":0}]}"#,
                 ["/content/items/0/durationDays", "/content/items/1/key", "/content/items/1/phase", "/content/items/1/durationDays"]),
            ]
            for (content, pointers) in bad {
                let response = try await client.call(.post, "/v1/templates", auth: owner.authorization,
                                                     json: #"{"name":"Bad","content":\#(content)}"#)
                #expect(response.status == .unprocessableContent, "\(response.text)")
                let got = (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
                #expect(got == pointers, "\(response.text)")
            }
            let created = try await client.call(.post, "/v1/templates", auth: owner.authorization,
                                                json: #"{"name":"Our release","methodology":"hybrid","content":\#(good)}"#)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            #expect(created.object["scope"] as? String == "organisation")
            let duplicate = try await client.call(.post, "/v1/templates", auth: owner.authorization,
                                                  json: #"{"name":"Our release","content":\#(good)}"#)
            #expect(duplicate.status == .conflict)

            let project = try await client.call(.post, "/v1/projects/from-template", auth: owner.authorization, json: """
                {"templateId":"\(id)","code":"REL-1","name":"Release 1","currency":"EUR","startDate":"2026-11-30"}
                """)
            #expect(project.status == .created, "\(project.text)")
            #expect(project.object["budgetAtCompletion"] as? Int == 1_000_000)
            // Ten working days from Monday 30 November: the go-live milestone on Monday 14 December.
            #expect(project.object["plannedFinish"] as? String == "2026-12-14")
            let tree = try await client.call(.get, "/v1/projects/REL-1/work-items", auth: owner.authorization)
            let byTitle = Dictionary(uniqueKeysWithValues: items(tree).map { ($0["title"] as? String ?? "", $0) })
            #expect(byTitle["Build"]?["depth"] as? Int == 1 && byTitle["Code"]?["depth"] as? Int == 2)
            #expect(byTitle["Test"]?["plannedStart"] as? String == "2026-12-08")
            #expect(byTitle["Run"]?["depth"] as? Int == 0 && byTitle["Go-live"]?["plannedStart"] as? String == "2026-12-14")

            // Unknown template, taken code: 4xx and nothing is created.
            let unknown = try await client.call(.post, "/v1/projects/from-template", auth: owner.authorization, json: """
                {"templateId":"\(UUID().uuidString)","code":"REL-2","name":"Nope","currency":"EUR","startDate":"2026-11-30"}
                """)
            #expect(unknown.status == .unprocessableContent)
            #expect((unknown.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/templateId")
            let taken = try await client.call(.post, "/v1/projects/from-template", auth: owner.authorization, json: """
                {"templateId":"\(id)","code":"REL-1","name":"Again","currency":"EUR","startDate":"2026-11-30"}
                """)
            #expect(taken.status == .conflict)
            #expect(try await client.call(.delete, "/v1/templates/\(id)", auth: owner.authorization).status == .noContent)
        }
        #expect(try await env.count("projects", tenant: tenant.id) == 1)
        #expect(try await env.count("work_items", tenant: tenant.id) == 7)
        #expect(try await env.count("work_item_dependencies", tenant: tenant.id) == 3)
    }
}
