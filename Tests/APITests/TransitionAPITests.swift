import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Transitions, stages, readiness criteria and gates end to end.
@Suite struct TransitionAPITests {
    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }
    func pointers(_ response: TestResponse) -> [String] {
        (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    static let transition = """
        {"name":"Service desk to Northwind","type":"vendor_to_vendor","scope":"Service desk, incident and request fulfilment",
         "fromParty":"Contoso Services","toParty":"Northwind Operations","plannedGoLive":"2026-10-01"}
        """

    @Test func goNeedsEverySignOffAndGatesPassInOrder() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("transitions")
        let lead = try await env.createMember(in: tenant.tenant, role: .pmoAdmin)
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-05-10").environment) { client in
            let bad = try await client.call(.post, "/v1/transitions", auth: lead.authorization, json: """
                {"name":" ","type":"insourcing","scope":"x","fromParty":"A","toParty":"B","plannedGoLive":"2026-02-30",
                 "contractId":"\(UUID().uuidString)"}
                """)
            #expect(bad.status == .unprocessableContent && Set(pointers(bad)) == ["/name", "/plannedGoLive"])
            let created = try await client.call(.post, "/v1/transitions", auth: lead.authorization, json: Self.transition)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.object["currentStage"] as? String == "due_diligence")
            let id = try #require(created.object["id"] as? String)
            let stages = items(try await client.call(.get, "/v1/transitions/\(id)/stages", auth: lead.authorization))
            #expect(stages.map { $0["key"] as? String } == ["due_diligence", "knowledge_transfer", "shadow", "reverse_shadow",
                                                            "cutover", "hypercare", "steady_state"])
            #expect(stages.first?["plannedStart"] as? String == "2026-05-04" && stages[4]["plannedEnd"] as? String == "2026-10-01")
            #expect(stages.map { $0["criteria"] as? Int } == [4, 3, 2, 2, 3, 2, 2])
            #expect(stages.map { $0["mandatory"] as? Int } == [3, 3, 1, 2, 2, 2, 1])
            let dueDiligence = try #require(stages.first?["id"] as? String)
            let shadow = try #require(stages[2]["id"] as? String)
            let base = "/v1/transitions/\(id)/stages/\(dueDiligence)"

            // Go is refused while the three mandatory criteria are open, naming them.
            let early = try await client.call(.post, "\(base)/gate", auth: lead.authorization, json: #"{"decision":"go"}"#)
            #expect(early.status == .conflict && early.object["type"] as? String == "/problems/gate-not-ready")
            #expect((early.object["unmetCriteria"] as? [[String: Any]])?.count == 3)
            let criteria = items(try await client.call(.get, "\(base)/criteria", auth: lead.authorization))
            let mandatory = criteria.filter { $0["mandatory"] as? Bool == true }.compactMap { $0["id"] as? String }
            #expect(mandatory.count == 3)

            // An API client's key cannot sign off: a sign-off is a member's.
            let robot = try await client.call(.post, "/v1/api-clients", auth: owner.authorization,
                                              json: #"{"name":"Tracker","scopes":["transitions:write"]}"#)
            let key = try await client.call(.post, "/v1/api-clients/\(try #require(robot.object["id"] as? String))/keys",
                                            auth: owner.authorization, json: #"{"name":"k"}"#)
            let robotAuth = "Bearer \(try #require(key.object["token"] as? String))"
            let byRobot = try await client.call(.post, "\(base)/criteria/\(mandatory[0])/sign-off", auth: robotAuth)
            #expect(byRobot.status == .forbidden && byRobot.object["type"] as? String == "/problems/not-a-member")

            for criterion in mandatory.prefix(2) {
                let signed = try await client.call(.post, "\(base)/criteria/\(criterion)/sign-off", auth: lead.authorization)
                #expect(signed.object["signedOffBy"] as? String == lead.member.id.uuidString.lowercased())
                #expect(signed.object["signedOffAt"] as? String != nil)
            }
            let stillOne = try await client.call(.post, "\(base)/gate", auth: lead.authorization, json: #"{"decision":"go"}"#)
            #expect((stillOne.object["unmetCriteria"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [mandatory[2]])
            // Evidence attached after the sign-off withdraws it: the signer saw none.
            let evidence = try await client.call(.patch, "\(base)/criteria/\(mandatory[1])", auth: lead.authorization,
                                                 json: #"{"evidenceUrl":"https://sharepoint.example/sla-baseline.xlsx"}"#)
            #expect(evidence.status == .ok && evidence.object["signedOffAt"] == nil)
            let badLink = try await client.call(.patch, "\(base)/criteria/\(mandatory[1])", auth: lead.authorization,
                                                json: #"{"evidenceUrl":"file:///etc/passwd"}"#)
            #expect(badLink.status == .unprocessableContent && pointers(badLink) == ["/evidenceUrl"])
            for criterion in mandatory.dropFirst() {
                _ = try await client.call(.post, "\(base)/criteria/\(criterion)/sign-off", auth: lead.authorization)
            }
            // A later gate cannot pass before this one.
            let skipped = try await client.call(.post, "/v1/transitions/\(id)/stages/\(shadow)/gate", auth: lead.authorization,
                                                json: #"{"decision":"go"}"#)
            #expect(skipped.status == .conflict && skipped.object["openStages"] as? [String] == ["due_diligence", "knowledge_transfer"])
            let go = try await client.call(.post, "\(base)/gate", auth: lead.authorization,
                                           json: #"{"decision":"go","notes":"Transition board, 12 May"}"#)
            #expect(go.status == .ok && go.object["gateDecision"] as? String == "go")
            #expect(go.object["gateDecidedBy"] as? String == lead.member.id.uuidString.lowercased())
            #expect(go.object["readinessPercent"] as? Double == 75)
            // No-go is recorded whatever the criteria say.
            let knowledgeTransfer = try #require(stages[1]["id"] as? String)
            let noGo = try await client.call(.post, "/v1/transitions/\(id)/stages/\(knowledgeTransfer)/gate",
                                             auth: lead.authorization, json: #"{"decision":"no_go","notes":"KT incomplete"}"#)
            #expect(noGo.status == .ok && noGo.object["gateDecision"] as? String == "no_go")
            #expect(try await client.call(.get, "/v1/transitions/\(id)", auth: lead.authorization)
                .object["currentStage"] as? String == "knowledge_transfer")

            // Criteria are the transition's own: one added, one removed.
            let added = try await client.call(.post, "/v1/transitions/\(id)/stages/\(knowledgeTransfer)/criteria",
                                              auth: lead.authorization, json: #"{"title":"Major incident drill run","mandatory":true}"#)
            #expect(added.status == .created)
            // A passed gate's criteria are settled; an open stage's are not.
            let optional = criteria.first { $0["mandatory"] as? Bool == false }?["id"] as? String
            let settled = try await client.call(.delete, "\(base)/criteria/\(try #require(optional))", auth: lead.authorization)
            #expect(settled.status == .conflict && settled.object["type"] as? String == "/problems/gate-passed")
            let shadowCriteria = items(try await client.call(.get, "/v1/transitions/\(id)/stages/\(shadow)/criteria",
                                                             auth: lead.authorization))
            let shadowOptional = try #require(shadowCriteria.first { $0["mandatory"] as? Bool == false }?["id"] as? String)
            #expect(try await client.call(.delete, "/v1/transitions/\(id)/stages/\(shadow)/criteria/\(shadowOptional)",
                                          auth: lead.authorization).status == .noContent)
            // 3 of 4 criteria at due diligence; 3 of 18 overall.
            let readiness = try await client.call(.get, "/v1/transitions/\(id)/readiness", auth: lead.authorization)
            #expect(readiness.object["criteria"] as? Int == 18 && readiness.object["signedOff"] as? Int == 3)
            #expect(readiness.object["overallPercent"] as? Double == 16.67)
            let perStage = readiness.object["stages"] as? [[String: Any]] ?? []
            #expect(perStage.first?["readinessPercent"] as? Double == 75)
            #expect((perStage[1]["unmetMandatory"] as? [[String: Any]])?.count == 4)

            let renamed = try await client.call(.patch, "/v1/transitions/\(id)/stages/\(shadow)", auth: lead.authorization,
                                                json: #"{"name":"Shadowing","plannedEnd":"2026-01-01"}"#)
            #expect(renamed.status == .unprocessableContent && pointers(renamed) == ["/plannedEnd"])

            let audit = try await client.call(.get, "/v1/audit-events?resourceType=transition_stage", auth: owner.authorization)
            #expect(items(audit).compactMap { $0["operation"] as? String } == ["passStageGate", "holdStageGate"])
            // Every sign-off (four, one of them withdrawn by the evidence change) is in the log.
            let signOffs = try await client.call(.get, "/v1/audit-events?resourceType=readiness_criterion&operation=signOffReadinessCriterion",
                                                 auth: owner.authorization)
            #expect(items(signOffs).count == 4)
            // A viewer reads, but neither signs off nor decides.
            let viewer = try await env.createMember(in: tenant.tenant, role: .viewer)
            #expect(try await client.call(.get, "/v1/transitions/\(id)/readiness", auth: viewer.authorization).status == .ok)
            #expect(try await client.call(.post, "\(base)/gate", auth: viewer.authorization,
                                          json: #"{"decision":"no_go"}"#).status == .forbidden)
        }
        #expect(try await env.count("readiness_criteria", tenant: tenant.tenant.id) == 18)
    }
}
