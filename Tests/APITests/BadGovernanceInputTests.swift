import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Bad input to the governance and transition writes not covered elsewhere: each is a 4xx problem
/// naming the field, and nothing changes.
@Suite struct BadGovernanceInputTests {
    func pointers(_ response: TestResponse) -> [String] {
        response.errorPointers
    }

    @Test func refusedWritesNameTheFieldAndChangeNothing() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("bad-governance")
        let lead = try await env.createMember(in: tenant.tenant, role: .pmoAdmin)
        let auth = lead.authorization
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let forum = try await client.call(.post, "/v1/governance-forums", auth: auth,
                                              json: #"{"name":"Ops review","kind":"operational_review","cadence":"weekly"}"#)
            let forumID = try #require(forum.object["id"] as? String)
            let meeting = try await client.call(.post, "/v1/meetings", auth: auth, json: #"{"forumId":"\#(forumID)","date":"2026-06-01"}"#)
            let meetingID = try #require(meeting.object["id"] as? String)
            let decision = try await client.call(.post, "/v1/decisions", auth: auth,
                                                 json: #"{"title":"Go","date":"2026-06-01","madeBy":"Board"}"#)
            let decisionID = try #require(decision.object["id"] as? String)
            let action = try await client.call(.post, "/v1/actions", auth: auth, json: """
                {"title":"Follow up","ownerId":"\(lead.member.id.uuidString.lowercased())","dueDate":"2026-06-30"}
                """)
            let actionID = try #require(action.object["id"] as? String)
            let transition = try await client.call(.post, "/v1/transitions", auth: auth, json: TransitionAPITests.transition)
            let transitionID = try #require(transition.object["id"] as? String)
            let metric = try await client.call(.post, "/v1/transitions/\(transitionID)/hypercare-metrics", auth: auth, json: """
                {"name":"Backlog","comparator":"<=","target":200,"period":"daily","requiredPeriods":3}
                """)
            let metricID = try #require(metric.object["id"] as? String)
            let session = try await client.call(.post, "/v1/transitions/\(transitionID)/kt-sessions", auth: auth, json: """
                {"topic":"Incidents","processArea":"Incident management","expert":"SME","date":"2026-06-01"}
                """)
            let sessionID = try #require(session.object["id"] as? String)

            let cases: [(HTTPRequest.Method, String, String, [String])] = [
                (.patch, "/v1/governance-forums/\(forumID)", #"{"name":" ","contractId":"nope"}"#, ["/name", "/contractId"]),
                (.patch, "/v1/meetings/\(meetingID)", #"{"date":"2026-02-30","attendees":[""]}"#, ["/date", "/attendees/0"]),
                (.patch, "/v1/decisions/\(decisionID)", #"{"madeBy":" ","breachIds":["\#(UUID().uuidString)"]}"#, ["/madeBy"]),
                (.patch, "/v1/decisions/\(decisionID)", #"{"projectIds":["\#(UUID().uuidString)"]}"#, ["/projectIds/0"]),
                (.patch, "/v1/actions/\(actionID)", #"{"ownerId":"\#(UUID().uuidString)"}"#, ["/ownerId"]),
                (.patch, "/v1/actions/\(actionID)", #"{"dueDate":"someday","decisionId":"x"}"#, ["/dueDate", "/decisionId"]),
                (.patch, "/v1/transitions/\(transitionID)", #"{"fromParty":" ","plannedGoLive":"2026-13-01"}"#,
                 ["/plannedGoLive", "/fromParty"]),
                (.post, "/v1/transitions", #"{"name":"Far","type":"insourcing","scope":"x","fromParty":"A","toParty":"B","plannedGoLive":"0001-02-01"}"#,
                 ["/plannedGoLive"]),
                (.post, "/v1/transitions/\(transitionID)/hypercare-metrics",
                 #"{"name":"Backlog","comparator":"<=","target":1,"period":"daily","requiredPeriods":60}"#, ["/requiredPeriods"]),
                (.patch, "/v1/transitions/\(transitionID)/hypercare-metrics/\(metricID)", #"{"name":" "}"#, ["/name"]),
                (.patch, "/v1/transitions/\(transitionID)/kt-sessions/\(sessionID)", #"{"proficiency":4}"#, ["/proficiency"]),
                (.patch, "/v1/transitions/\(transitionID)/kt-sessions/\(sessionID)", #"{"status":"held","proficiency":6}"#,
                 ["/proficiency"]),
            ]
            for (method, path, body, expected) in cases {
                let response = try await client.call(method, path, auth: auth, json: body)
                #expect(response.status == .unprocessableContent, "\(path) \(body): \(response.text)")
                #expect(pointers(response) == expected, "\(path) \(body)")
            }
            let values = try await client.call(.get, "/v1/transitions/\(transitionID)/hypercare-metrics/\(metricID)/values?from=2026-02-30",
                                               auth: auth)
            #expect(values.status == .unprocessableContent && pointers(values) == ["/from"])
            // Nothing changed: every resource is at its first version.
            for path in ["/v1/governance-forums/\(forumID)", "/v1/meetings/\(meetingID)", "/v1/decisions/\(decisionID)",
                         "/v1/actions/\(actionID)", "/v1/transitions/\(transitionID)"] {
                #expect(try await client.call(.get, path, auth: auth).object["version"] as? Int == 1, "\(path)")
            }
        }
        #expect(try await env.count("transitions", tenant: tenant.tenant.id) == 1)
        #expect(try await env.count("hypercare_metrics", tenant: tenant.tenant.id) == 1)
    }
}
