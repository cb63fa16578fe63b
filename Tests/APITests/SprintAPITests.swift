import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Sprints, burndown and velocity end to end, on a clock the test moves day by day.
@Suite struct SprintAPITests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }

    @Test func burndownAndVelocityCountPointsByTheDayItemsWereDone() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("agile").tenant, role: .owner)
        let clock = TestClock()
        clock.set("2026-11-16")
        try await env.withApp(environment: clock.environment) { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"AGILE","name":"Scrum","currency":"EUR","methodology":"agile"}"#)
            #expect(project.status == .created)
            let sprint = try await client.call(.post, "/v1/projects/AGILE/sprints", auth: owner.authorization, json: """
                {"name":"Sprint 1","goal":"Walking skeleton","startDate":"2026-11-16","finishDate":"2026-11-20","committedPoints":16}
                """)
            #expect(sprint.status == .created, "\(sprint.text)")
            let s1 = try #require(sprint.object["id"] as? String)
            let bulk = try await client.call(.post, "/v1/projects/AGILE/work-items/bulk", auth: owner.authorization, json: """
                {"items":[{"title":"A","kind":"story","storyPoints":3,"sprintId":"\(s1)"},
                          {"title":"B","kind":"story","storyPoints":5,"sprintId":"\(s1)"},
                          {"title":"C","kind":"story","storyPoints":8,"sprintId":"\(s1)"}]}
                """)
            let ids = items(bulk).compactMap { $0["id"] as? String }
            #expect(ids.count == 3, "\(bulk.text)")
            let read = try await client.call(.get, "/v1/projects/AGILE/sprints/\(s1)", auth: owner.authorization)
            #expect(read.object["itemCount"] as? Int == 3 && read.object["points"] as? Int == 16)

            // A is done on Tuesday, B on Thursday; C is not done.
            clock.set("2026-11-17")
            let a = try await client.call(.patch, "/v1/projects/AGILE/work-items/\(ids[0])", auth: owner.authorization,
                                          json: #"{"status":"done"}"#)
            #expect(a.object["completedOn"] as? String == "2026-11-17")
            clock.set("2026-11-19")
            _ = try await client.call(.patch, "/v1/projects/AGILE/work-items/\(ids[1])", auth: owner.authorization,
                                      json: #"{"status":"done"}"#)

            clock.set("2026-11-21")
            let burndown = try await client.call(.get, "/v1/projects/AGILE/sprints/\(s1)/burndown", auth: owner.authorization)
            let points = burndown.object["points"] as? [[String: Any]] ?? []
            #expect(burndown.object["totalPoints"] as? Int == 16)
            #expect(points.map { $0["date"] as? String } == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"])
            #expect(points.map { $0["remainingPoints"] as? Int } == [16, 13, 13, 8, 8])
            #expect(points.map { $0["idealRemaining"] as? Double } == [16, 12, 8, 4, 0])

            // The second sprint: D (5 points) done on its Tuesday.
            let second = try await client.call(.post, "/v1/projects/AGILE/sprints", auth: owner.authorization, json: """
                {"name":"Sprint 2","startDate":"2026-11-23","finishDate":"2026-11-27"}
                """)
            let s2 = try #require(second.object["id"] as? String)
            let d = try await client.call(.post, "/v1/projects/AGILE/work-items", auth: owner.authorization,
                                          json: #"{"title":"D","kind":"story","storyPoints":5,"sprintId":"\#(s2)"}"#)
            let dID = try #require(d.object["id"] as? String)
            clock.set("2026-11-24")
            _ = try await client.call(.patch, "/v1/projects/AGILE/work-items/\(dID)", auth: owner.authorization,
                                      json: #"{"status":"done"}"#)
            clock.set("2026-11-30")
            let velocity = try await client.call(.get, "/v1/projects/AGILE/velocity", auth: owner.authorization)
            let sprints = velocity.object["sprints"] as? [[String: Any]] ?? []
            #expect(sprints.map { $0["name"] as? String } == ["Sprint 1", "Sprint 2"])
            #expect(sprints.map { $0["committedPoints"] as? Int } == [16, 5], "without its own, a sprint commits its items' points")
            #expect(sprints.map { $0["completedPoints"] as? Int } == [8, 5])
            #expect(sprints.map { $0["rollingAverage"] as? Double } == [8, 6.5])

            // Deleting a sprint puts its items back in the backlog.
            #expect(try await client.call(.delete, "/v1/projects/AGILE/sprints/\(s2)", auth: owner.authorization).status == .noContent)
            let backlog = try await client.call(.get, "/v1/projects/AGILE/work-items/\(dID)", auth: owner.authorization)
            #expect(backlog.status == .ok && backlog.object["sprintId"] == nil)
            // Reopening an item clears the day it was done.
            let reopened = try await client.call(.patch, "/v1/projects/AGILE/work-items/\(dID)", auth: owner.authorization,
                                                 json: #"{"status":"in_progress"}"#)
            #expect(reopened.object["completedOn"] == nil)
        }
    }

    @Test func badSprintsAndUnknownSprintsAre4xxAndChangeNothing() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("agile-bad").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"BAD","name":"Bad","currency":"EUR"}"#)
            #expect(project.status == .created)
            let cases: [(String, String)] = [
                (#"{"name":"Late","startDate":"2026-11-20","finishDate":"2026-11-16"}"#, "/finishDate"),
                (#"{"name":"Long","startDate":"2026-01-01","finishDate":"2027-06-01"}"#, "/finishDate"),
                (#"{"name":"Bad date","startDate":"2026-02-30","finishDate":"2026-03-02"}"#, "/startDate"),
                (#"{"name":" ","startDate":"2026-11-16","finishDate":"2026-11-20"}"#, "/name"),
                (#"{"name":"Neg","startDate":"2026-11-16","finishDate":"2026-11-20","committedPoints":-1}"#, "/committedPoints"),
            ]
            for (body, pointer) in cases {
                let response = try await client.call(.post, "/v1/projects/BAD/sprints", auth: owner.authorization, json: body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
                #expect((response.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == pointer, "\(body)")
            }
            let first = try await client.call(.post, "/v1/projects/BAD/sprints", auth: owner.authorization,
                                              json: #"{"name":"S","startDate":"2026-11-16","finishDate":"2026-11-20"}"#)
            #expect(first.status == .created)
            let again = try await client.call(.post, "/v1/projects/BAD/sprints", auth: owner.authorization,
                                              json: #"{"name":"S","startDate":"2026-11-23","finishDate":"2026-11-27"}"#)
            #expect(again.status == .conflict && again.object["type"] as? String == "/problems/duplicate")
            let unknown = try await client.call(.post, "/v1/projects/BAD/work-items/bulk", auth: owner.authorization,
                                                json: #"{"items":[{"title":"x","sprintId":"\#(UUID().uuidString)"}]}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect((unknown.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/items/0/sprintId")
        }
        #expect(try await env.count("sprints", tenant: tenant.id) == 1)
        #expect(try await env.count("work_items", tenant: tenant.id) == 0)
    }
}
