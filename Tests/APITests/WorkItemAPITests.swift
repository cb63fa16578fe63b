import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// The WBS end to end: a tree with dates on the tenant's calendar, bulk creation all or
/// nothing, subtree moves and reads in one call.
@Suite struct WorkItemAPITests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }

    @Test func aTreeIsBuiltInOneRequestReadBySubtreeAndMovedInOneCall() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("wbs-tree").tenant, role: .owner)
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"WBS","name":"Site set-up","currency":"EUR"}"#)
            #expect(project.status == .created)
            // 0 Facilities ─ 1 Fit-out ─ 2 Cabling; 3 IT; 4 Go-live (a milestone under IT)
            let bulk = try await client.call(.post, "/v1/projects/WBS/work-items/bulk", auth: owner.authorization, json: """
                {"items":[
                  {"title":"Facilities","kind":"deliverable"},
                  {"title":"Fit-out","kind":"work_package","parentIndex":0},
                  {"title":"Cabling","parentIndex":1,"plannedStart":"2026-11-26","durationDays":3,"budgetedCost":150000},
                  {"title":"IT","kind":"deliverable"},
                  {"title":"Go-live","kind":"milestone","parentIndex":3,"plannedStart":"2026-12-14"}
                ]}
                """)
            #expect(bulk.status == .created, "\(bulk.text)")
            let created = items(bulk)
            let ids = created.map { $0["id"] as? String ?? "" }
            #expect(created.map { $0["depth"] as? Int } == [0, 1, 2, 0, 1])
            #expect(created[2]["parentId"] as? String == ids[1])
            // Thursday + 3 working days: Thursday, Friday, Monday.
            #expect(created[2]["plannedFinish"] as? String == "2026-11-30")
            #expect(created[4]["durationDays"] as? Int == 0 && created[4]["plannedFinish"] as? String == "2026-12-14")

            let subtree = try await client.call(.get, "/v1/projects/WBS/work-items?under=\(ids[0])", auth: owner.authorization)
            #expect(items(subtree).map { $0["title"] as? String } == ["Facilities", "Fit-out", "Cabling"])
            let children = try await client.call(.get, "/v1/projects/WBS/work-items?parentId=\(ids[3])", auth: owner.authorization)
            #expect(items(children).map { $0["title"] as? String } == ["Go-live"])

            // Fit-out (with Cabling under it) moves under IT in one call.
            let moved = try await client.call(.patch, "/v1/projects/WBS/work-items/\(ids[1])", auth: owner.authorization,
                                              json: #"{"parentId":"\#(ids[3])"}"#)
            #expect(moved.status == .ok && moved.object["depth"] as? Int == 1 && moved.object["version"] as? Int == 2)
            let underIT = try await client.call(.get, "/v1/projects/WBS/work-items?under=\(ids[3])", auth: owner.authorization)
            #expect(Set(items(underIT).map { $0["title"] as? String ?? "" }) == ["IT", "Fit-out", "Cabling", "Go-live"])
            let cabling = try await client.call(.get, "/v1/projects/WBS/work-items/\(ids[2])", auth: owner.authorization)
            #expect(cabling.object["depth"] as? Int == 2 && cabling.object["version"] as? Int == 1)
            // Under its own descendant: refused, nothing moves.
            let loop = try await client.call(.patch, "/v1/projects/WBS/work-items/\(ids[3])", auth: owner.authorization,
                                             json: #"{"parentId":"\#(ids[2])"}"#)
            #expect(loop.status == .unprocessableContent)
            #expect((loop.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/parentId")
            // To the root.
            let root = try await client.call(.patch, "/v1/projects/WBS/work-items/\(ids[1])", auth: owner.authorization,
                                             json: #"{"parentId":null}"#)
            #expect(root.object["depth"] as? Int == 0 && root.object["parentId"] == nil)

            // A parent with children cannot be deleted; a leaf can.
            let parent = try await client.call(.delete, "/v1/projects/WBS/work-items/\(ids[1])", auth: owner.authorization)
            #expect(parent.status == .conflict && parent.object["type"] as? String == "/problems/has-children")
            #expect(try await client.call(.delete, "/v1/projects/WBS/work-items/\(ids[2])", auth: owner.authorization).status == .noContent)
            #expect(try await client.call(.get, "/v1/projects/WBS/work-items/\(ids[2])", auth: owner.authorization).status == .notFound)
        }
    }

    @Test func twoMovesAtOnceNeverPutTwoItemsUnderEachOther() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("wbs-race").tenant, role: .owner)
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"RACE","name":"Race","currency":"EUR"}"#)
            #expect(project.status == .created)
            for round in 0..<5 {
                let bulk = try await client.call(.post, "/v1/projects/RACE/work-items/bulk", auth: owner.authorization,
                                                 json: #"{"items":[{"title":"X\#(round)"},{"title":"Y\#(round)"}]}"#)
                let ids = items(bulk).compactMap { $0["id"] as? String }
                try #require(ids.count == 2)
                async let first = client.call(.patch, "/v1/projects/RACE/work-items/\(ids[0])", auth: owner.authorization,
                                              json: #"{"parentId":"\#(ids[1])"}"#)
                async let second = client.call(.patch, "/v1/projects/RACE/work-items/\(ids[1])", auth: owner.authorization,
                                               json: #"{"parentId":"\#(ids[0])"}"#)
                let statuses = [try await first.status, try await second.status]
                #expect(statuses.sorted { $0.code < $1.code } == [.ok, .unprocessableContent], "round \(round): \(statuses)")
            }
        }
    }

    @Test func datesFollowTheTenantCalendarAndPatchesKeepTheDuration() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("wbs-dates").tenant, role: .owner)
        try await env.withApp { client in
            let calendar = try await client.call(.put, "/v1/calendar", auth: owner.authorization,
                                                 json: #"{"workingWeekdays":[1,2,3,4,5],"holidays":["2026-11-27"]}"#)
            #expect(calendar.status == .ok)
            _ = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                      json: #"{"code":"DATES","name":"Dates","currency":"EUR"}"#)
            let task = try await client.call(.post, "/v1/projects/DATES/work-items", auth: owner.authorization,
                                             json: #"{"title":"Install","plannedStart":"2026-11-26","durationDays":3}"#)
            #expect(task.status == .created, "\(task.text)")
            // Thursday, (Friday is a holiday), Monday, Tuesday.
            #expect(task.object["plannedFinish"] as? String == "2026-12-01")
            let id = try #require(task.object["id"] as? String)
            // A new start keeps the duration.
            let later = try await client.call(.patch, "/v1/projects/DATES/work-items/\(id)", auth: owner.authorization,
                                              json: #"{"plannedStart":"2026-12-07"}"#)
            #expect(later.object["plannedFinish"] as? String == "2026-12-09" && later.object["durationDays"] as? Int == 3)
            // A new finish recomputes the duration.
            let longer = try await client.call(.patch, "/v1/projects/DATES/work-items/\(id)", auth: owner.authorization,
                                               json: #"{"plannedFinish":"2026-12-11"}"#)
            #expect(longer.object["durationDays"] as? Int == 5)
            // A holiday added inside the item's span later does not block changes that touch no date.
            let holiday = try await client.call(.put, "/v1/calendar", auth: owner.authorization,
                                                json: #"{"workingWeekdays":[1,2,3,4,5],"holidays":["2026-11-27","2026-12-09"]}"#)
            #expect(holiday.status == .ok)
            let done = try await client.call(.patch, "/v1/projects/DATES/work-items/\(id)", auth: owner.authorization,
                                             json: #"{"status":"done"}"#)
            #expect(done.status == .ok && done.object["durationDays"] as? Int == 5, "\(done.text)")
            // Start and finish with a duration that disagrees: 422 naming the duration.
            let disagree = try await client.call(.post, "/v1/projects/DATES/work-items", auth: owner.authorization, json: """
                {"title":"Wrong","plannedStart":"2026-12-07","plannedFinish":"2026-12-08","durationDays":5}
                """)
            #expect(disagree.status == .unprocessableContent)
            #expect((disagree.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/durationDays")
        }
    }

    @Test func badItemsAre422NamingEveryFailingIndexAndCreateNothing() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("wbs-bad").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"BAD","name":"Bad input","currency":"EUR"}"#)
            #expect(project.status == .created)
            let cases: [(String, [String])] = [
                (#"{"items":[{"title":"ok"},{"title":"  "},{"title":"late","plannedStart":"2026-12-02","plannedFinish":"2026-12-01"},{"title":"x","parentIndex":3}]}"#,
                 ["/items/1/title", "/items/2/plannedFinish", "/items/3/parentIndex"]),
                (#"{"items":[{"title":"m","kind":"milestone","durationDays":2}]}"#, ["/items/0/durationDays"]),
                (#"{"items":[{"title":"p","parentId":"\#(UUID().uuidString)"}]}"#, ["/items/0/parentId"]),
                (#"{"items":[{"title":"a","assigneeId":"\#(UUID().uuidString)"}]}"#, ["/items/0/assigneeId"]),
                (#"{"items":[{"title":"c","percentComplete":101}]}"#, ["/items/0/percentComplete"]),
                (#"{"items":[{"title":"d","plannedStart":"2026-02-30"}]}"#, ["/items/0/plannedStart"]),
                // Values that once crashed or hung the server: a negative index, extreme durations,
                // a finish past 9999, a budget whose sums could overflow.
                (#"{"items":[{"title":"a"},{"title":"b","parentIndex":-1}]}"#, ["/items/1/parentIndex"]),
                (#"{"items":[{"title":"e","plannedStart":"2026-01-01","durationDays":-9223372036854775808}]}"#, ["/items/0/durationDays"]),
                (#"{"items":[{"title":"f","plannedStart":"9999-06-01","durationDays":100000}]}"#, ["/items/0/plannedFinish"]),
                (#"{"items":[{"title":"g","budgetedCost":9223372036854775807}]}"#, ["/items/0/budgetedCost"]),
                // Refusals found in the database come after the wire's, yet are reported by item.
                (#"{"items":[{"title":"a","assigneeId":"\#(UUID().uuidString)"},{"title":"p","parentId":"\#(UUID().uuidString)"},{"title":" "}]}"#,
                 ["/items/0/assigneeId", "/items/1/parentId", "/items/2/title"]),
                // A chain of 32 items nests the last one 31 levels deep, one more than allowed.
                (#"{"items":[{"title":"0"}"# + (1..<32).map { #",{"title":"\#($0)","parentIndex":\#($0 - 1)}"# }.joined() + "]}",
                 ["/items/31/parentId"]),
            ]
            for (body, pointers) in cases {
                let response = try await client.call(.post, "/v1/projects/BAD/work-items/bulk", auth: owner.authorization, json: body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
                let got = (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
                #expect(got == pointers, "\(body)")
            }
            // A chain 32 deep: the tree stops at depth 30.
            let chain = "{\"items\":[" + (0..<32).map { $0 == 0 ? #"{"title":"root"}"# : #"{"title":"level","parentIndex":\#($0 - 1)}"# }
                .joined(separator: ",") + "]}"
            let deep = try await client.call(.post, "/v1/projects/BAD/work-items/bulk", auth: owner.authorization, json: chain)
            #expect(deep.status == .unprocessableContent)
            #expect((deep.object["errors"] as? [[String: Any]])?.compactMap { $0["pointer"] as? String }
                == ["/items/31/parentId"], "\(deep.text)")
            let tooMany = "{\"items\":[" + Array(repeating: #"{"title":"x"}"#, count: 1001).joined(separator: ",") + "]}"
            let refused = try await client.call(.post, "/v1/projects/BAD/work-items/bulk", auth: owner.authorization, json: tooMany)
            #expect(refused.status.code / 100 == 4)
            #expect(try await client.call(.post, "/v1/projects/NOPE/work-items", auth: owner.authorization,
                                          json: #"{"title":"x"}"#).status == .notFound)
        }
        #expect(try await env.count("work_items", tenant: tenant.id) == 0)
        // A thousand in one request: all created, with a member as assignee.
        try await env.withApp { client in
            let member = try await client.call(.get, "/v1/members/me", auth: owner.authorization)
            let me = try #require(member.object["id"] as? String)
            let many = "{\"items\":[" + (0..<1000).map { #"{"title":"Item \#($0)","assigneeId":"\#(me)"}"# }
                .joined(separator: ",") + "]}"
            let created = try await client.call(.post, "/v1/projects/BAD/work-items/bulk", auth: owner.authorization, json: many)
            #expect(created.status == .created)
            #expect(items(created).count == 1000)
        }
        #expect(try await env.count("work_items", tenant: tenant.id) == 1000)
    }
}
