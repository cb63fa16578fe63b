import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Knowledge transfer and hypercare of a transition, and the steady-state gate.
@Suite struct TransitionCareTests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }
    func pointers(_ response: TestResponse) -> [String] {
        (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    @Test func knowledgeTransferIsFedAndCoveredPerProcessArea() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("kt")
        let lead = try await env.createMember(in: tenant.tenant, role: .pmoAdmin)
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let transition = try await client.call(.post, "/v1/transitions", auth: lead.authorization, json: TransitionAPITests.transition)
            let id = try #require(transition.object["id"] as? String)
            // The client's learning system feeds sessions with a key holding only governance:write.
            let robot = try await client.call(.post, "/v1/api-clients", auth: lead.authorization,
                                              json: #"{"name":"LMS","scopes":["governance:write"]}"#)
            let key = try await client.call(.post, "/v1/api-clients/\(try #require(robot.object["id"] as? String))/keys",
                                            auth: lead.authorization, json: #"{"name":"lms"}"#)
            let feed = "Bearer \(try #require(key.object["token"] as? String))"
            let early = try await client.call(.post, "/v1/transitions/\(id)/kt-sessions", auth: feed, json: """
                {"topic":"Major incidents","processArea":"Incident management","expert":"J. Doe","date":"2026-06-01","proficiency":4}
                """)
            #expect(early.status == .unprocessableContent && pointers(early) == ["/proficiency"])
            var sessions: [String] = []
            for (area, status, score) in [("Incident management", "held", "4"), ("Incident management", "held", "2"),
                                          ("Request fulfilment", "held", "2"), ("Change management", "planned", "null"),
                                          ("Problem management", "cancelled", "null")] {
                let created = try await client.call(.post, "/v1/transitions/\(id)/kt-sessions", auth: feed, json: """
                    {"topic":"\(area) walkthrough","processArea":"\(area)","expert":"Incumbent SME","attendees":["Agent A","Agent B"],
                     "date":"2026-06-01","status":"\(status)","proficiency":\(score)}
                    """)
                #expect(created.status == .created, "\(created.text)")
                sessions.append(try #require(created.object["id"] as? String))
            }
            // Request fulfilment: a second session raises the score to 3.
            let retrained = try await client.call(.patch, "/v1/transitions/\(id)/kt-sessions/\(sessions[3])", auth: feed,
                                                  json: #"{"processArea":"Request fulfilment","status":"held","proficiency":3}"#)
            #expect(retrained.status == .ok && retrained.object["proficiency"] as? Int == 3)
            #expect(try await client.call(.get, "/v1/transitions/\(id)/kt-sessions", auth: feed).status == .forbidden)

            // Incident management: held 2, average (4 + 2) / 2 = 3, covered; request fulfilment: (2 + 3) / 2 = 2.5,
            // covered by the 3; problem management: cancelled only, not covered → 2 of 3 areas (66.67 %).
            let coverage = try await client.call(.get, "/v1/transitions/\(id)/kt-coverage", auth: lead.authorization)
            let areas = coverage.object["areas"] as? [[String: Any]] ?? []
            #expect(areas.map { $0["processArea"] as? String } == ["Incident management", "Problem management", "Request fulfilment"])
            #expect(areas.map { $0["averageProficiency"] as? Double } == [3, nil, 2.5])
            #expect(areas.map { $0["covered"] as? Bool } == [true, false, true])
            #expect(coverage.object["coveredAreas"] as? Int == 2 && coverage.object["coveragePercent"] as? Double == 66.67)
            let listed = try await client.call(.get, "/v1/transitions/\(id)/kt-sessions?limit=2", auth: lead.authorization)
            #expect(items(listed).count == 2 && listed.object["nextCursor"] as? String != nil)
        }
        #expect(try await env.count("kt_sessions", tenant: tenant.tenant.id) == 5)
    }

    @Test func steadyStateWaitsForEveryMetricToHoldItsTarget() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("hypercare")
        let lead = try await env.createMember(in: tenant.tenant, role: .pmoAdmin)
        try await env.withApp(environment: TestClock("2026-12-16").environment) { client in
            let transition = try await client.call(.post, "/v1/transitions", auth: lead.authorization, json: TransitionAPITests.transition)
            let id = try #require(transition.object["id"] as? String)
            // Every stage up to hypercare passed: sign off all mandatory criteria, gate by gate.
            let stages = items(try await client.call(.get, "/v1/transitions/\(id)/stages", auth: lead.authorization))
            for stage in stages.prefix(6) {
                let base = "/v1/transitions/\(id)/stages/\(try #require(stage["id"] as? String))"
                for criterion in items(try await client.call(.get, "\(base)/criteria", auth: lead.authorization))
                where criterion["mandatory"] as? Bool == true {
                    _ = try await client.call(.post, "\(base)/criteria/\(try #require(criterion["id"] as? String))/sign-off",
                                              auth: lead.authorization)
                }
                if stage["key"] as? String != "hypercare" {
                    #expect(try await client.call(.post, "\(base)/gate", auth: lead.authorization,
                                                  json: #"{"decision":"go"}"#).status == .ok)
                }
            }
            let hypercareGate = "/v1/transitions/\(id)/stages/\(try #require(stages[5]["id"] as? String))/gate"
            let metrics = "/v1/transitions/\(id)/hypercare-metrics"
            let first = try await client.call(.post, metrics, auth: lead.authorization, json: """
                {"name":"Service level","comparator":">=","target":80,"period":"weekly","requiredPeriods":3}
                """)
            let second = try await client.call(.post, metrics, auth: lead.authorization, json: """
                {"name":"Backlog","comparator":"<=","target":200,"period":"daily","requiredPeriods":2}
                """)
            let serviceLevel = try #require(first.object["id"] as? String)
            let backlog = try #require(second.object["id"] as? String)
            // Today is Wednesday 16 December: the last week over is W50, the last day over the 15th.
            // Service level: W46 78 (missed), W47–W50 81, 83, 80, 81 → 4 in a row; backlog: 150 on the 12th,
            // 250 on the 13th (missed), nothing since → 0.
            for (week, value) in [("2026-W46", 78.0), ("2026-W47", 81), ("2026-W48", 83), ("2026-W49", 80), ("2026-W50", 81)] {
                let put = try await client.call(.put, "\(metrics)/\(serviceLevel)/values/\(week)", auth: lead.authorization,
                                                json: #"{"value":\#(value)}"#)
                #expect(put.status == .created, "\(put.text)")
            }
            for (day, value) in [("2026-12-12", 150.0), ("2026-12-13", 250)] {
                _ = try await client.call(.put, "\(metrics)/\(backlog)/values/\(day)", auth: lead.authorization, json: #"{"value":\#(value)}"#)
            }
            let listed = items(try await client.call(.get, metrics, auth: lead.authorization))
            #expect(listed.map { $0["consecutiveMet"] as? Int } == [4, 0] && listed.map { $0["stable"] as? Bool } == [true, false])
            let refused = try await client.call(.post, hypercareGate, auth: lead.authorization, json: #"{"decision":"go"}"#)
            #expect(refused.status == .conflict && refused.object["unstableMetrics"] as? [String] == ["Backlog"], "\(refused.text)")
            // Today's value is provisional: refused until the day is over; so is a week still running.
            for period in ["2026-12-16", "2026-W51"] {
                let running = try await client.call(.put, "\(metrics)/\(period.contains("W") ? serviceLevel : backlog)/values/\(period)",
                                                    auth: lead.authorization, json: #"{"value":100}"#)
                #expect(running.status == .unprocessableContent && pointers(running) == ["/period"], "\(period)")
            }
            // The 14th and 15th met → 2 in a row up to the 15th: stable.
            _ = try await client.call(.put, "\(metrics)/\(backlog)/values/2026-12-14", auth: lead.authorization, json: #"{"value":180}"#)
            let same = try await client.call(.put, "\(metrics)/\(backlog)/values/2026-12-14", auth: lead.authorization, json: #"{"value":180}"#)
            #expect(same.status == .ok && same.object["version"] as? Int == 1)
            _ = try await client.call(.put, "\(metrics)/\(backlog)/values/2026-12-15", auth: lead.authorization, json: #"{"value":199}"#)
            let wrongKind = try await client.call(.put, "\(metrics)/\(backlog)/values/2026-W50", auth: lead.authorization,
                                                  json: #"{"value":1}"#)
            #expect(wrongKind.status == .unprocessableContent && pointers(wrongKind) == ["/period"])
            let steady = try await client.call(.post, hypercareGate, auth: lead.authorization,
                                               json: #"{"decision":"go","notes":"Hypercare exit board"}"#)
            #expect(steady.status == .ok, "\(steady.text)")
            #expect(try await client.call(.get, "/v1/transitions/\(id)", auth: lead.authorization)
                .object["currentStage"] as? String == "steady_state")
            // A stricter target judges the values again.
            let stricter = try await client.call(.patch, "\(metrics)/\(serviceLevel)", auth: lead.authorization, json: #"{"target":82}"#)
            #expect(stricter.object["consecutiveMet"] as? Int == 0 && stricter.object["stable"] as? Bool == false)
            let values = items(try await client.call(.get, "\(metrics)/\(serviceLevel)/values", auth: lead.authorization))
            #expect(values.map { $0["met"] as? Bool } == [false, false, true, false, false])
            // A passed gate is final, and so are its criteria.
            let again = try await client.call(.post, hypercareGate, auth: lead.authorization, json: #"{"decision":"no_go"}"#)
            #expect(again.status == .conflict && again.object["type"] as? String == "/problems/gate-passed")
        }
    }
}
