import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Governance forums, meetings, decisions and actions end to end.
@Suite struct ForumAPITests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }
    func pointers(_ response: TestResponse) -> [String] {
        (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    @Test func aSteeringCommitteeMeetsDecidesAndFollowsUp() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("forums")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        let lead = try await env.createMember(in: tenant.tenant, role: .pmoAdmin)
        let leadID = lead.member.id.uuidString.lowercased()
        let clock = TestClock("2026-06-15")
        try await env.withApp(environment: clock.environment) { client in
            let (contractID, obligationID) = try await GovernanceAPITests.contractWithServiceLevel(client, owner.authorization)
            let march = try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-03",
                                              auth: owner.authorization, json: #"{"value":70}"#)
            let breachID = try #require(march.object["breachId"] as? String)

            let unknownContract = try await client.call(.post, "/v1/governance-forums", auth: lead.authorization, json: """
                {"name":"Steering committee","kind":"steering_committee","cadence":"monthly","contractId":"\(UUID().uuidString)"}
                """)
            #expect(unknownContract.status == .unprocessableContent && pointers(unknownContract) == ["/contractId"])
            let forum = try await client.call(.post, "/v1/governance-forums", auth: lead.authorization, json: """
                {"name":"Steering committee","kind":"steering_committee","cadence":"monthly","contractId":"\(contractID)"}
                """)
            #expect(forum.status == .created, "\(forum.text)")
            let forumID = try #require(forum.object["id"] as? String)
            let twin = try await client.call(.post, "/v1/governance-forums", auth: lead.authorization, json: """
                {"name":"Steering committee","kind":"operational_review","cadence":"weekly"}
                """)
            #expect(twin.status == .conflict && pointers(twin) == ["/name"])

            let badMeeting = try await client.call(.post, "/v1/meetings", auth: lead.authorization, json: """
                {"forumId":"\(UUID().uuidString)","date":"2026-04-31","attendees":["Chair"," "]}
                """)
            #expect(badMeeting.status == .unprocessableContent && Set(pointers(badMeeting)) == ["/date", "/attendees/1"])
            let meeting = try await client.call(.post, "/v1/meetings", auth: lead.authorization, json: """
                {"forumId":"\(forumID)","date":"2026-04-02","attendees":["Client service director","Supplier account lead"],
                 "minutes":"March service level 70 %: carrier outage."}
                """)
            let meetingID = try #require(meeting.object["id"] as? String)
            #expect(meeting.object["attendees"] as? [String] == ["Client service director", "Supplier account lead"])

            let unknownBreach = try await client.call(.post, "/v1/decisions", auth: lead.authorization, json: """
                {"title":"Waive","date":"2026-04-02","madeBy":"Steering committee","breachIds":["\(UUID().uuidString)"]}
                """)
            #expect(unknownBreach.status == .unprocessableContent && pointers(unknownBreach) == ["/breachIds/0"])
            let decision = try await client.call(.post, "/v1/decisions", auth: lead.authorization, json: """
                {"title":"Waive the March service-level breach","date":"2026-04-02","madeBy":"Steering committee",
                 "rationale":"Force majeure: carrier outage","meetingId":"\(meetingID)","breachIds":["\(breachID)"]}
                """)
            #expect(decision.status == .created, "\(decision.text)")
            let decisionID = try #require(decision.object["id"] as? String)
            // The waiver cites the decision.
            let waived = try await client.call(.patch, "/v1/breaches/\(breachID)", auth: lead.authorization, json: """
                {"status":"waived","decisionReference":"\(decisionID)","reason":"Force majeure: carrier outage"}
                """)
            #expect(waived.object["decisionReference"] as? String == decisionID)
            let cited = try await client.call(.get, "/v1/decisions?breachId=\(breachID)", auth: owner.authorization)
            #expect(items(cited).map { $0["id"] as? String } == [decisionID])
            #expect(items(try await client.call(.get, "/v1/decisions?meetingId=\(UUID().uuidString)", auth: owner.authorization)).isEmpty)

            let noOwner = try await client.call(.post, "/v1/actions", auth: lead.authorization, json: """
                {"title":"Carrier resilience plan","ownerId":"\(UUID().uuidString)","dueDate":"2026-06-30"}
                """)
            #expect(noOwner.status == .unprocessableContent && pointers(noOwner) == ["/ownerId"])
            let plan = try await client.call(.post, "/v1/actions", auth: lead.authorization, json: """
                {"title":"Carrier resilience plan","ownerId":"\(leadID)","dueDate":"2026-06-30","decisionId":"\(decisionID)",
                 "meetingId":"\(meetingID)"}
                """)
            let planID = try #require(plan.object["id"] as? String)
            let report = try await client.call(.post, "/v1/actions", auth: lead.authorization, json: """
                {"title":"Outage report","ownerId":"\(leadID)","dueDate":"2026-06-10","meetingId":"\(meetingID)"}
                """)
            let reportID = try #require(report.object["id"] as? String)
            #expect(report.object["overdue"] as? Bool == true && plan.object["overdue"] as? Bool == false)
            let overdue = try await client.call(.get, "/v1/actions?overdue=true", auth: owner.authorization)
            #expect(items(overdue).map { $0["id"] as? String } == [reportID])
            // Done: no longer overdue. Time passes: the plan is.
            let done = try await client.call(.patch, "/v1/actions/\(reportID)", auth: lead.authorization, json: #"{"status":"done"}"#)
            #expect(done.object["overdue"] as? Bool == false)
            clock.set("2026-07-01")
            #expect(items(try await client.call(.get, "/v1/actions?overdue=true", auth: owner.authorization)).map { $0["id"] as? String }
                    == [planID])
            #expect(items(try await client.call(.get, "/v1/actions?ownerId=\(leadID)&status=done", auth: owner.authorization))
                .map { $0["id"] as? String } == [reportID])

            // A contract without obligations still cannot go while a forum refers to it.
            let bare = try await client.call(.post, "/v1/contracts", auth: owner.authorization,
                                             json: GovernanceAPITests.contract.replacingOccurrences(of: "CC-2026", with: "CC-BARE"))
            let bareID = try #require(bare.object["id"] as? String)
            _ = try await client.call(.post, "/v1/governance-forums", auth: lead.authorization, json: """
                {"name":"Operational review","kind":"operational_review","cadence":"weekly","contractId":"\(bareID)"}
                """)
            let referred = try await client.call(.delete, "/v1/contracts/\(bareID)", auth: owner.authorization)
            #expect(referred.status == .conflict && (referred.object["detail"] as? String)?.contains("governance forums") == true)
            // The forum keeps its meetings; a deleted meeting leaves the decision and actions unlinked, not lost.
            #expect(try await client.call(.delete, "/v1/governance-forums/\(forumID)", auth: lead.authorization).status == .conflict)
            #expect(try await client.call(.delete, "/v1/meetings/\(meetingID)", auth: lead.authorization).status == .noContent)
            let kept = try await client.call(.get, "/v1/decisions/\(decisionID)", auth: owner.authorization)
            #expect(kept.status == .ok && kept.object["meetingId"] == nil)
            #expect(try await client.call(.get, "/v1/actions/\(planID)", auth: owner.authorization).object["meetingId"] == nil)
            #expect(try await client.call(.delete, "/v1/governance-forums/\(forumID)", auth: lead.authorization).status == .noContent)
            // A viewer reads the log but writes nothing.
            let viewer = try await env.createMember(in: tenant.tenant, role: .viewer)
            #expect(try await client.call(.get, "/v1/decisions", auth: viewer.authorization).status == .ok)
            #expect(try await client.call(.post, "/v1/decisions", auth: viewer.authorization,
                                          json: #"{"title":"No","date":"2026-07-01","madeBy":"Me"}"#).status == .forbidden)
        }
        #expect(try await env.count("decisions", tenant: tenant.tenant.id) == 1)
        #expect(try await env.count("actions", tenant: tenant.tenant.id) == 2)
    }
}
