import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// Dependencies and the critical path end to end.
@Suite struct DependencyAPITests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }

    /// Creates the items (title, duration) in the project; returns their ids by title.
    func makeItems(_ client: some TestClientProtocol, _ auth: String, project: String,
                   _ specs: [(String, Int)], start: String? = nil) async throws -> [String: String] {
        let entries = specs.map { title, days in
            #"{"title":"\#(title)","durationDays":\#(days)"# + (start.map { #","plannedStart":"\#($0)""# } ?? "") + "}"
        }
        let created = try await client.call(.post, "/v1/projects/\(project)/work-items/bulk", auth: auth,
                                            json: #"{"items":[\#(entries.joined(separator: ","))]}"#)
        #expect(created.status == .created, "\(created.text)")
        return Dictionary(uniqueKeysWithValues: items(created).map { ($0["title"] as? String ?? "", $0["id"] as? String ?? "") })
    }

    func link(_ client: some TestClientProtocol, _ auth: String, project: String, _ from: String, _ to: String,
              type: String = "FS", lag: Int = 0) async throws -> TestResponse {
        try await client.call(.post, "/v1/projects/\(project)/dependencies", auth: auth, json: """
            {"predecessorId":"\(from)","successorId":"\(to)","type":"\(type)","lagDays":\(lag)}
            """)
    }

    @Test func theCriticalPathOfATextbookNetwork() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("cpm").tenant, role: .owner)
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization, json: """
                {"code":"CPM","name":"Network","currency":"EUR","plannedStart":"2026-11-30"}
                """)
            #expect(project.status == .created)
            let id = try await makeItems(client, owner.authorization, project: "CPM", [("A", 3), ("B", 2), ("C", 4), ("D", 2)])
            for (from, to) in [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")] {
                #expect(try await link(client, owner.authorization, project: "CPM", id[from]!, id[to]!).status == .created)
            }
            let schedule = try await client.call(.get, "/v1/projects/CPM/schedule", auth: owner.authorization)
            #expect(schedule.status == .ok, "\(schedule.text)")
            // Monday 30 November; A 3 days, then B (2) and C (4) in parallel, then D (2); weekends off.
            #expect(schedule.object["start"] as? String == "2026-11-30" && schedule.object["finish"] as? String == "2026-12-10")
            #expect(schedule.object["criticalPath"] as? [String] == [id["A"]!, id["C"]!, id["D"]!])
            let byTitle = Dictionary(uniqueKeysWithValues: items(schedule).map { ($0["title"] as? String ?? "", $0) })
            let expected: [String: (String, String, String, String, Int, Int)] = [
                "A": ("2026-11-30", "2026-12-02", "2026-11-30", "2026-12-02", 0, 0),
                "B": ("2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08", 2, 2),
                "C": ("2026-12-03", "2026-12-08", "2026-12-03", "2026-12-08", 0, 0),
                "D": ("2026-12-09", "2026-12-10", "2026-12-09", "2026-12-10", 0, 0),
            ]
            for (title, (es, ef, ls, lf, total, free)) in expected {
                let item = try #require(byTitle[title])
                #expect(item["earlyStart"] as? String == es && item["earlyFinish"] as? String == ef, "\(title)")
                #expect(item["lateStart"] as? String == ls && item["lateFinish"] as? String == lf, "\(title)")
                #expect(item["totalFloat"] as? Int == total && item["freeFloat"] as? Int == free, "\(title)")
                #expect(item["critical"] as? Bool == (total == 0), "\(title)")
            }

            // D → A would close a cycle: 422 naming the items around it, and nothing is added.
            let cycle = try await link(client, owner.authorization, project: "CPM", id["D"]!, id["A"]!)
            #expect(cycle.status == .unprocessableContent && cycle.object["type"] as? String == "/problems/dependency-cycle")
            let around = (cycle.object["cycle"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            #expect(around.count == 3 && around.first == "A" && around.last == "D", "\(cycle.text)")
            #expect((cycle.object["detail"] as? String ?? "").contains("A → "))
            // The same pair twice, an item on itself, an unknown item.
            #expect(try await link(client, owner.authorization, project: "CPM", id["A"]!, id["B"]!).status == .conflict)
            #expect(try await link(client, owner.authorization, project: "CPM", id["A"]!, id["A"]!).status == .unprocessableContent)
            let unknown = try await link(client, owner.authorization, project: "CPM", UUID().uuidString, id["A"]!)
            #expect(unknown.status == .unprocessableContent)
            #expect((unknown.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/predecessorId")
            let listed = try await client.call(.get, "/v1/projects/CPM/dependencies", auth: owner.authorization)
            #expect(items(listed).count == 4)

            // Without C → D, D follows B alone and finishes with C: every item is critical.
            let cToD = items(listed).first { $0["predecessorId"] as? String == id["C"] && $0["successorId"] as? String == id["D"] }
            let dependencyID = try #require(cToD?["id"] as? String)
            #expect(try await client.call(.get, "/v1/projects/CPM/dependencies/\(dependencyID)", auth: owner.authorization).status == .ok)
            #expect(try await client.call(.delete, "/v1/projects/CPM/dependencies/\(dependencyID)", auth: owner.authorization).status == .noContent)
            let after = try await client.call(.get, "/v1/projects/CPM/schedule", auth: owner.authorization)
            #expect(after.object["criticalPath"] as? [String] == [id["A"]!, id["B"]!, id["C"]!, id["D"]!], "\(after.text)")
            #expect(after.object["finish"] as? String == "2026-12-08")
        }
    }

    @Test func leadsLagsAndOtherTypesAndAPredecessorInAnotherProject() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("cpm-types").tenant, role: .owner)
        try await env.withApp { client in
            for code in ["P1", "P2"] {
                let created = try await client.call(.post, "/v1/projects", auth: owner.authorization, json: """
                    {"code":"\(code)","name":"\(code)","currency":"EUR","plannedStart":"2026-11-30"}
                    """)
                #expect(created.status == .created)
            }
            let p1 = try await makeItems(client, owner.authorization, project: "P1", [("Build", 5), ("Test", 3), ("Launch", 0)])
            let p2 = try await makeItems(client, owner.authorization, project: "P2", [("Permit", 2)], start: "2026-12-07")
            // Build may start only after P2's permit (Mon 7 + 2 days → finishes Tue 8).
            #expect(try await link(client, owner.authorization, project: "P1", p2["Permit"]!, p1["Build"]!).status == .created)
            // Test starts 2 days after Build starts (SS + 2); Launch finishes with Test (FF).
            #expect(try await link(client, owner.authorization, project: "P1", p1["Build"]!, p1["Test"]!, type: "SS", lag: 2).status == .created)
            #expect(try await link(client, owner.authorization, project: "P1", p1["Test"]!, p1["Launch"]!, type: "FF").status == .created)
            let schedule = try await client.call(.get, "/v1/projects/P1/schedule", auth: owner.authorization)
            let byTitle = Dictionary(uniqueKeysWithValues: items(schedule).map { ($0["title"] as? String ?? "", $0) })
            #expect(byTitle["Permit"] == nil, "another project's item is not listed")
            #expect(byTitle["Build"]?["earlyStart"] as? String == "2026-12-09")
            #expect(byTitle["Build"]?["earlyFinish"] as? String == "2026-12-15")
            #expect(byTitle["Test"]?["earlyStart"] as? String == "2026-12-11")
            #expect(byTitle["Test"]?["earlyFinish"] as? String == "2026-12-15")
            // A milestone marks the start of a working day: finishing with Test (Tuesday 15), it is
            // dated Wednesday 16, and so is the project's finish.
            #expect(byTitle["Launch"]?["earlyStart"] as? String == "2026-12-16")
            #expect(schedule.object["finish"] as? String == "2026-12-16")
            // P2 lists the dependency too (its item is one end) but not P1's own ones.
            let p2Links = try await client.call(.get, "/v1/projects/P2/dependencies", auth: owner.authorization)
            #expect(items(p2Links).count == 1)
        }
    }
}
