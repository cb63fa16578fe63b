import API
import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Tenant isolation through the API (docs/ARCHITECTURE.md rule 2): for every operation in openapi.yaml
/// that names a resource in its path, tenant B's key on tenant A's resource gets 404 and changes
/// nothing. The operations come from the contract, so a new operation without a case here fails.
@Suite struct CrossTenantTests {
    /// What tenant A owns that B will aim at: a project (by id and by code), a member and a token.
    struct Victim: Sendable {
        let projectRefs: [String]
        let memberID: String
        let tokenID: String
        let clientID: String
        let clientKeyID: String
        /// Delivery resources by kind ("portfolio", "programme", ...): their ids.
        var delivery: [String: String] = [:]

        func id(_ kind: String) -> String { delivery[kind] ?? "missing-\(kind)" }
        /// "<project id>/work-items/<item id>".
        var workItemPath: String { "/v1/projects/\(id("workItem"))" }
    }

    /// How to call an operation as tenant B on each of tenant A's references it names.
    typealias Attack = @Sendable (any TestClientProtocol, _ auth: String, Victim) async throws -> [TestResponse]

    static let attacks: [String: Attack] = [
        "getProject": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)", auth: auth) }
        },
        "updateProject": { client, auth, victim in
            try await victim.projectRefs.asyncMap {
                try await client.call(.patch, "/v1/projects/\($0)", auth: auth, json: #"{"name":"Taken over"}"#)
            }
        },
        "deleteProject": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.delete, "/v1/projects/\($0)", auth: auth) }
        },
        "getMember": { client, auth, victim in
            [try await client.call(.get, "/v1/members/\(victim.memberID)", auth: auth)]
        },
        "updateMember": { client, auth, victim in
            [try await client.call(.patch, "/v1/members/\(victim.memberID)", auth: auth, json: #"{"status":"deactivated"}"#)]
        },
        "revokeMyToken": { client, auth, victim in
            [try await client.call(.delete, "/v1/members/me/tokens/\(victim.tokenID)", auth: auth)]
        },
        "getDataExport": { client, auth, victim in
            [try await client.call(.get, "/v1/exports/\(victim.id("dataExport"))", auth: auth)]
        },
        "downloadDataExport": { client, auth, victim in
            [try await client.call(.get, "/v1/exports/\(victim.id("dataExport"))/archive", auth: auth)]
        },
        "getInvoice": { client, auth, victim in
            [try await client.call(.get, "/v1/invoices/\(victim.id("invoice"))", auth: auth)]
        },
        "getInvoiceLinesCSV": { client, auth, victim in
            [try await client.call(.get, "/v1/invoices/\(victim.id("invoice"))/lines.csv", auth: auth)]
        },
        "getApiClient": { client, auth, victim in
            [try await client.call(.get, "/v1/api-clients/\(victim.clientID)", auth: auth)]
        },
        "updateApiClient": { client, auth, victim in
            [try await client.call(.patch, "/v1/api-clients/\(victim.clientID)", auth: auth, json: #"{"status":"disabled"}"#)]
        },
        "listApiClientKeys": { client, auth, victim in
            [try await client.call(.get, "/v1/api-clients/\(victim.clientID)/keys", auth: auth)]
        },
        "createApiClientKey": { client, auth, victim in
            [try await client.call(.post, "/v1/api-clients/\(victim.clientID)/keys", auth: auth, json: #"{"name":"stolen"}"#)]
        },
        "revokeApiClientKey": { client, auth, victim in
            [try await client.call(.delete, "/v1/api-clients/\(victim.clientID)/keys/\(victim.clientKeyID)", auth: auth)]
        },
        "getPortfolio": { client, auth, victim in
            [try await client.call(.get, "/v1/portfolios/\(victim.id("portfolio"))", auth: auth)]
        },
        "updatePortfolio": { client, auth, victim in
            [try await client.call(.patch, "/v1/portfolios/\(victim.id("portfolio"))", auth: auth, json: #"{"name":"Taken"}"#)]
        },
        "deletePortfolio": { client, auth, victim in
            [try await client.call(.delete, "/v1/portfolios/\(victim.id("portfolio"))", auth: auth)]
        },
        "getProgramme": { client, auth, victim in
            [try await client.call(.get, "/v1/programmes/\(victim.id("programme"))", auth: auth)]
        },
        "updateProgramme": { client, auth, victim in
            [try await client.call(.patch, "/v1/programmes/\(victim.id("programme"))", auth: auth, json: #"{"name":"Taken"}"#)]
        },
        "deleteProgramme": { client, auth, victim in
            [try await client.call(.delete, "/v1/programmes/\(victim.id("programme"))", auth: auth)]
        },
        "listWorkItems": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/work-items", auth: auth) }
        },
        "createWorkItem": { client, auth, victim in
            try await victim.projectRefs.asyncMap {
                try await client.call(.post, "/v1/projects/\($0)/work-items", auth: auth, json: #"{"title":"Planted"}"#)
            }
        },
        "createWorkItems": { client, auth, victim in
            try await victim.projectRefs.asyncMap {
                try await client.call(.post, "/v1/projects/\($0)/work-items/bulk", auth: auth, json: #"{"items":[{"title":"Planted"}]}"#)
            }
        },
        "getWorkItem": { client, auth, victim in
            [try await client.call(.get, victim.workItemPath, auth: auth)]
        },
        "updateWorkItem": { client, auth, victim in
            [try await client.call(.patch, victim.workItemPath, auth: auth, json: #"{"title":"Taken"}"#)]
        },
        "deleteWorkItem": { client, auth, victim in
            [try await client.call(.delete, victim.workItemPath, auth: auth)]
        },
        "listDependencies": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/dependencies", auth: auth) }
        },
        "createDependency": { client, auth, victim in
            try await victim.projectRefs.asyncMap {
                try await client.call(.post, "/v1/projects/\($0)/dependencies", auth: auth, json: """
                    {"predecessorId":"\(victim.id("secondItem"))","successorId":"\(victim.id("firstItem"))"}
                    """)
            }
        },
        "getDependency": { client, auth, victim in
            [try await client.call(.get, "/v1/projects/\(victim.id("dependency"))", auth: auth)]
        },
        "deleteDependency": { client, auth, victim in
            [try await client.call(.delete, "/v1/projects/\(victim.id("dependency"))", auth: auth)]
        },
        "listBaselines": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/baselines", auth: auth) }
        },
        "createBaseline": { client, auth, victim in
            try await victim.projectRefs.asyncMap {
                try await client.call(.post, "/v1/projects/\($0)/baselines", auth: auth, json: #"{"name":"Planted"}"#)
            }
        },
        "getBaseline": { client, auth, victim in
            [try await client.call(.get, "/v1/projects/\(victim.id("baseline"))", auth: auth)]
        },
        "getBaselineVariance": { client, auth, victim in
            [try await client.call(.get, "/v1/projects/\(victim.id("baseline"))/variance", auth: auth)]
        },
        "listCostEntries": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/cost-entries", auth: auth) }
        },
        "createCostEntry": { client, auth, victim in
            try await victim.projectRefs.asyncMap {
                try await client.call(.post, "/v1/projects/\($0)/cost-entries", auth: auth, json: #"{"date":"2026-11-26","amount":100}"#)
            }
        },
        "getCostEntry": { client, auth, victim in
            [try await client.call(.get, "/v1/projects/\(victim.id("costEntry"))", auth: auth)]
        },
        "deleteCostEntry": { client, auth, victim in
            [try await client.call(.delete, "/v1/projects/\(victim.id("costEntry"))", auth: auth)]
        },
        "getEarnedValue": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/earned-value", auth: auth) }
        },
        "listSprints": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/sprints", auth: auth) }
        },
        "createSprint": { client, auth, victim in
            try await victim.projectRefs.asyncMap {
                try await client.call(.post, "/v1/projects/\($0)/sprints", auth: auth,
                                      json: #"{"name":"Planted","startDate":"2026-11-16","finishDate":"2026-11-20"}"#)
            }
        },
        "getSprint": { client, auth, victim in
            [try await client.call(.get, "/v1/projects/\(victim.id("sprint"))", auth: auth)]
        },
        "updateSprint": { client, auth, victim in
            [try await client.call(.patch, "/v1/projects/\(victim.id("sprint"))", auth: auth, json: #"{"name":"Taken"}"#)]
        },
        "deleteSprint": { client, auth, victim in
            [try await client.call(.delete, "/v1/projects/\(victim.id("sprint"))", auth: auth)]
        },
        "getSprintBurndown": { client, auth, victim in
            [try await client.call(.get, "/v1/projects/\(victim.id("sprint"))/burndown", auth: auth)]
        },
        "getVelocity": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/velocity", auth: auth) }
        },
        "getCustomField": { client, auth, victim in
            [try await client.call(.get, "/v1/custom-fields/\(victim.id("customField"))", auth: auth)]
        },
        "updateCustomField": { client, auth, victim in
            [try await client.call(.patch, "/v1/custom-fields/\(victim.id("customField"))", auth: auth, json: #"{"label":"Taken"}"#)]
        },
        "deleteCustomField": { client, auth, victim in
            [try await client.call(.delete, "/v1/custom-fields/\(victim.id("customField"))", auth: auth)]
        },
        "getTemplate": { client, auth, victim in
            [try await client.call(.get, "/v1/templates/\(victim.id("template"))", auth: auth)]
        },
        "deleteTemplate": { client, auth, victim in
            [try await client.call(.delete, "/v1/templates/\(victim.id("template"))", auth: auth)]
        },
        "getSchedule": { client, auth, victim in
            try await victim.projectRefs.asyncMap { try await client.call(.get, "/v1/projects/\($0)/schedule", auth: auth) }
        },
        "getGovernanceForum": { client, auth, victim in
            [try await client.call(.get, "/v1/governance-forums/\(victim.id("forum"))", auth: auth)]
        },
        "updateGovernanceForum": { client, auth, victim in
            [try await client.call(.patch, "/v1/governance-forums/\(victim.id("forum"))", auth: auth, json: #"{"name":"Taken"}"#)]
        },
        "deleteGovernanceForum": { client, auth, victim in
            [try await client.call(.delete, "/v1/governance-forums/\(victim.id("forum"))", auth: auth)]
        },
        "getMeeting": { client, auth, victim in
            [try await client.call(.get, "/v1/meetings/\(victim.id("meeting"))", auth: auth)]
        },
        "updateMeeting": { client, auth, victim in
            [try await client.call(.patch, "/v1/meetings/\(victim.id("meeting"))", auth: auth, json: #"{"minutes":"Rewritten"}"#)]
        },
        "deleteMeeting": { client, auth, victim in
            [try await client.call(.delete, "/v1/meetings/\(victim.id("meeting"))", auth: auth)]
        },
        "getDecision": { client, auth, victim in
            [try await client.call(.get, "/v1/decisions/\(victim.id("decision"))", auth: auth)]
        },
        "updateDecision": { client, auth, victim in
            [try await client.call(.patch, "/v1/decisions/\(victim.id("decision"))", auth: auth, json: #"{"title":"Reversed"}"#)]
        },
        "deleteDecision": { client, auth, victim in
            [try await client.call(.delete, "/v1/decisions/\(victim.id("decision"))", auth: auth)]
        },
        "getAction": { client, auth, victim in
            [try await client.call(.get, "/v1/actions/\(victim.id("action"))", auth: auth)]
        },
        "updateAction": { client, auth, victim in
            [try await client.call(.patch, "/v1/actions/\(victim.id("action"))", auth: auth, json: #"{"status":"done"}"#)]
        },
        "deleteAction": { client, auth, victim in
            [try await client.call(.delete, "/v1/actions/\(victim.id("action"))", auth: auth)]
        },
        "getTransition": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("transition"))", auth: auth)]
        },
        "updateTransition": { client, auth, victim in
            [try await client.call(.patch, "/v1/transitions/\(victim.id("transition"))", auth: auth, json: #"{"toParty":"B"}"#)]
        },
        "deleteTransition": { client, auth, victim in
            [try await client.call(.delete, "/v1/transitions/\(victim.id("transition"))", auth: auth)]
        },
        "listTransitionStages": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("transition"))/stages", auth: auth)]
        },
        "getTransitionReadiness": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("transition"))/readiness", auth: auth)]
        },
        "updateTransitionStage": { client, auth, victim in
            [try await client.call(.patch, "/v1/transitions/\(victim.id("stage"))", auth: auth, json: #"{"name":"Taken"}"#)]
        },
        "decideStageGate": { client, auth, victim in
            [try await client.call(.post, "/v1/transitions/\(victim.id("stage"))/gate", auth: auth, json: #"{"decision":"no_go"}"#)]
        },
        "listReadinessCriteria": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("stage"))/criteria", auth: auth)]
        },
        "createReadinessCriterion": { client, auth, victim in
            [try await client.call(.post, "/v1/transitions/\(victim.id("stage"))/criteria", auth: auth, json: #"{"title":"Planted","mandatory":true}"#)]
        },
        "updateReadinessCriterion": { client, auth, victim in
            [try await client.call(.patch, "/v1/transitions/\(victim.id("criterion"))", auth: auth, json: #"{"mandatory":false}"#)]
        },
        "deleteReadinessCriterion": { client, auth, victim in
            [try await client.call(.delete, "/v1/transitions/\(victim.id("criterion"))", auth: auth)]
        },
        "signOffReadinessCriterion": { client, auth, victim in
            [try await client.call(.post, "/v1/transitions/\(victim.id("criterion"))/sign-off", auth: auth)]
        },
        "withdrawReadinessSignOff": { client, auth, victim in
            [try await client.call(.delete, "/v1/transitions/\(victim.id("criterion"))/sign-off", auth: auth)]
        },
        "listKTSessions": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("transition"))/kt-sessions", auth: auth)]
        },
        "createKTSession": { client, auth, victim in
            [try await client.call(.post, "/v1/transitions/\(victim.id("transition"))/kt-sessions", auth: auth, json: #"{"topic":"t","processArea":"p","expert":"e","date":"2026-06-01"}"#)]
        },
        "getKTCoverage": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("transition"))/kt-coverage", auth: auth)]
        },
        "updateKTSession": { client, auth, victim in
            [try await client.call(.patch, "/v1/transitions/\(victim.id("ktSession"))", auth: auth, json: #"{"proficiency":1,"status":"held"}"#)]
        },
        "deleteKTSession": { client, auth, victim in
            [try await client.call(.delete, "/v1/transitions/\(victim.id("ktSession"))", auth: auth)]
        },
        "listHypercareMetrics": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("transition"))/hypercare-metrics", auth: auth)]
        },
        "createHypercareMetric": { client, auth, victim in
            [try await client.call(.post, "/v1/transitions/\(victim.id("transition"))/hypercare-metrics", auth: auth, json: #"{"name":"n","comparator":">=","target":1,"period":"daily","requiredPeriods":1}"#)]
        },
        "updateHypercareMetric": { client, auth, victim in
            [try await client.call(.patch, "/v1/transitions/\(victim.id("metric"))", auth: auth, json: #"{"target":0}"#)]
        },
        "deleteHypercareMetric": { client, auth, victim in
            [try await client.call(.delete, "/v1/transitions/\(victim.id("metric"))", auth: auth)]
        },
        "listHypercareValues": { client, auth, victim in
            [try await client.call(.get, "/v1/transitions/\(victim.id("metric"))/values", auth: auth)]
        },
        "putHypercareValue": { client, auth, victim in
            [try await client.call(.put, "/v1/transitions/\(victim.id("metric"))/values/2026-06-01", auth: auth, json: #"{"value":1}"#)]
        },
        "getContract": { client, auth, victim in
            [try await client.call(.get, "/v1/contracts/\(victim.id("contract"))", auth: auth)]
        },
        "updateContract": { client, auth, victim in
            [try await client.call(.patch, "/v1/contracts/\(victim.id("contract"))", auth: auth, json: #"{"monthlyFee":1}"#)]
        },
        "deleteContract": { client, auth, victim in
            [try await client.call(.delete, "/v1/contracts/\(victim.id("contract"))", auth: auth)]
        },
        "listObligations": { client, auth, victim in
            [try await client.call(.get, "/v1/contracts/\(victim.id("contract"))/obligations", auth: auth)]
        },
        "createObligation": { client, auth, victim in
            [try await client.call(.post, "/v1/contracts/\(victim.id("contract"))/obligations", auth: auth, json: """
                {"name":"Planted","kind":"kpi","metric":"m","period":"monthly","comparator":">=","threshold":1,"creditPercent":1}
                """)]
        },
        "getServiceCredits": { client, auth, victim in
            [try await client.call(.get, "/v1/contracts/\(victim.id("contract"))/service-credits?month=2026-03", auth: auth)]
        },
        "getCompliance": { client, auth, victim in
            [try await client.call(.get, "/v1/contracts/\(victim.id("contract"))/compliance?from=2026-01&to=2026-06", auth: auth)]
        },
        "getObligation": { client, auth, victim in
            [try await client.call(.get, "/v1/obligations/\(victim.id("obligation"))", auth: auth)]
        },
        "updateObligation": { client, auth, victim in
            [try await client.call(.patch, "/v1/obligations/\(victim.id("obligation"))", auth: auth,
                                   json: #"{"threshold":0,"effectiveFrom":"2026-10"}"#)]
        },
        "deleteObligation": { client, auth, victim in
            [try await client.call(.delete, "/v1/obligations/\(victim.id("obligation"))", auth: auth)]
        },
        "listMeasurements": { client, auth, victim in
            [try await client.call(.get, "/v1/obligations/\(victim.id("obligation"))/measurements", auth: auth)]
        },
        "getMeasurement": { client, auth, victim in
            [try await client.call(.get, "/v1/obligations/\(victim.id("obligation"))/measurements/2026-03", auth: auth)]
        },
        "putMeasurement": { client, auth, victim in
            [try await client.call(.put, "/v1/obligations/\(victim.id("obligation"))/measurements/2026-03", auth: auth,
                                   json: #"{"value":99}"#)]
        },
        "getBreach": { client, auth, victim in
            [try await client.call(.get, "/v1/breaches/\(victim.id("breach"))", auth: auth)]
        },
        "updateBreach": { client, auth, victim in
            [try await client.call(.patch, "/v1/breaches/\(victim.id("breach"))", auth: auth, json: """
                {"status":"waived","decisionReference":"stolen","reason":"stolen"}
                """)]
        },
    ]

    /// Tenant A's governance resources: a contract, an obligation measured in March 2026 (breached), a
    /// forum, its meeting, a decision citing the breach and an action owned by `owner`.
    static func governanceOf(_ auth: String, owner: String, _ client: some TestClientProtocol) async throws -> [String: String] {
        let contract = try await client.call(.post, "/v1/contracts", auth: auth, json: """
            {"code":"A-SECRET","name":"A's contract","clientParty":"A's client","service":"A's service","startDate":"2026-01-01",
             "monthlyFee":1000000,"currency":"EUR","serviceCreditCapPercent":10}
            """)
        let contractID = try #require(contract.object["id"] as? String)
        let obligation = try await client.call(.post, "/v1/contracts/\(contractID)/obligations", auth: auth, json: """
            {"name":"A's service level","kind":"service_level","metric":"answered in 20 s","period":"monthly","comparator":">=",
             "threshold":80,"creditPercent":5}
            """)
        let obligationID = try #require(obligation.object["id"] as? String)
        let measurement = try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-03", auth: auth,
                                                json: #"{"value":70}"#)
        let breachID = try #require(measurement.object["breachId"] as? String)
        let forum = try await client.call(.post, "/v1/governance-forums", auth: auth, json: """
            {"name":"A's steering committee","kind":"steering_committee","cadence":"monthly","contractId":"\(contractID)"}
            """)
        let forumID = try #require(forum.object["id"] as? String)
        let meeting = try await client.call(.post, "/v1/meetings", auth: auth, json: """
            {"forumId":"\(forumID)","date":"2026-04-02","attendees":["A's chair"],"minutes":"A's minutes"}
            """)
        let meetingID = try #require(meeting.object["id"] as? String)
        let decision = try await client.call(.post, "/v1/decisions", auth: auth, json: """
            {"title":"A's decision","date":"2026-04-02","madeBy":"A's steering committee","meetingId":"\(meetingID)",
             "breachIds":["\(breachID)"]}
            """)
        let decisionID = try #require(decision.object["id"] as? String)
        let action = try await client.call(.post, "/v1/actions", auth: auth, json: """
            {"title":"A's action","ownerId":"\(owner)","dueDate":"2026-04-30",
             "decisionId":"\(decisionID)"}
            """)
        let transition = try await client.call(.post, "/v1/transitions", auth: auth, json: """
            {"name":"A's transition","type":"outsourcing","scope":"A's scope","fromParty":"A","toParty":"A's vendor",
             "plannedGoLive":"2026-12-01"}
            """)
        let transitionID = try #require(transition.object["id"] as? String)
        let stages = try await client.call(.get, "/v1/transitions/\(transitionID)/stages", auth: auth)
        let stageID = try #require((stages.object["items"] as? [[String: Any]])?.first?["id"] as? String)
        let criteria = try await client.call(.get, "/v1/transitions/\(transitionID)/stages/\(stageID)/criteria", auth: auth)
        let criterionID = try #require((criteria.object["items"] as? [[String: Any]])?.first?["id"] as? String)
        let session = try await client.call(.post, "/v1/transitions/\(transitionID)/kt-sessions", auth: auth, json: """
            {"topic":"A's KT","processArea":"A's area","expert":"A's expert","date":"2026-06-01","status":"held","proficiency":4}
            """)
        let metric = try await client.call(.post, "/v1/transitions/\(transitionID)/hypercare-metrics", auth: auth, json: """
            {"name":"A's metric","comparator":">=","target":80,"period":"daily","requiredPeriods":2}
            """)
        let metricID = try #require(metric.object["id"] as? String)
        _ = try await client.call(.put, "/v1/transitions/\(transitionID)/hypercare-metrics/\(metricID)/values/2026-06-01",
                                  auth: auth, json: #"{"value":85}"#)
        return ["ktSession": "\(transitionID)/kt-sessions/\(try #require(session.object["id"] as? String))",
                "metric": "\(transitionID)/hypercare-metrics/\(metricID)",
                "transition": transitionID, "stage": "\(transitionID)/stages/\(stageID)",
                "criterion": "\(transitionID)/stages/\(stageID)/criteria/\(criterionID)",
                "contract": contractID, "obligation": obligationID, "breach": breachID, "forum": forumID, "meeting": meetingID,
                "decision": decisionID, "action": try #require(action.object["id"] as? String)]
    }

    /// Tenant A's delivery resources, made through the API, by kind.
    static func deliveryOf(_ auth: String, projectID: String, _ client: some TestClientProtocol) async throws -> [String: String] {
        let portfolio = try await client.call(.post, "/v1/portfolios", auth: auth, json: #"{"name":"A's portfolio"}"#)
        let portfolioID = try #require(portfolio.object["id"] as? String)
        let programme = try await client.call(.post, "/v1/programmes", auth: auth,
                                              json: #"{"name":"A's programme","portfolioId":"\#(portfolioID)"}"#)
        let programmeID = try #require(programme.object["id"] as? String)
        let items = try await client.call(.post, "/v1/projects/\(projectID)/work-items/bulk", auth: auth,
                                          json: #"{"items":[{"title":"A's task","durationDays":2},{"title":"A's next","durationDays":1}]}"#)
        let itemIDs = (items.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        try #require(itemIDs.count == 2)
        let dependency = try await client.call(.post, "/v1/projects/\(projectID)/dependencies", auth: auth,
                                               json: #"{"predecessorId":"\#(itemIDs[0])","successorId":"\#(itemIDs[1])"}"#)
        let dependencyID = try #require(dependency.object["id"] as? String)
        let baseline = try await client.call(.post, "/v1/projects/\(projectID)/baselines", auth: auth, json: #"{"name":"Approved"}"#)
        let baselineID = try #require(baseline.object["id"] as? String)
        let entry = try await client.call(.post, "/v1/projects/\(projectID)/cost-entries", auth: auth,
                                          json: #"{"date":"2026-11-26","amount":125000,"workItemId":"\#(itemIDs[0])"}"#)
        let entryID = try #require(entry.object["id"] as? String)
        let sprint = try await client.call(.post, "/v1/projects/\(projectID)/sprints", auth: auth,
                                           json: #"{"name":"A's sprint","startDate":"2026-11-16","finishDate":"2026-11-20"}"#)
        let sprintID = try #require(sprint.object["id"] as? String)
        let template = try await client.call(.post, "/v1/templates", auth: auth, json: """
            {"name":"A's method","content":{"phases":["Only"],"items":[{"key":"a","title":"A","kind":"task","offsetDays":0,"durationDays":1}]}}
            """)
        let templateID = try #require(template.object["id"] as? String)
        let field = try await client.call(.post, "/v1/custom-fields", auth: auth,
                                          json: #"{"entity":"project","key":"secret","label":"A's field","type":"text"}"#)
        let fieldID = try #require(field.object["id"] as? String)
        return ["customField": fieldID, "template": templateID, "sprint": "\(projectID)/sprints/\(sprintID)","baseline": "\(projectID)/baselines/\(baselineID)", "costEntry": "\(projectID)/cost-entries/\(entryID)","portfolio": portfolioID, "programme": programmeID, "workItem": "\(projectID)/work-items/\(itemIDs[0])",
                "firstItem": itemIDs[0], "secondItem": itemIDs[1], "dependency": "\(projectID)/dependencies/\(dependencyID)"]
    }

    /// Where tenant A reads each kind of delivery resource (to see that B changed nothing).
    static let readPaths: [String: @Sendable (String) -> String] = [
        "portfolio": { "/v1/portfolios/\($0)" },
        "programme": { "/v1/programmes/\($0)" },
        "workItem": { "/v1/projects/\($0)" },
        "dependency": { "/v1/projects/\($0)" },
        "baseline": { "/v1/projects/\($0)" },
        "costEntry": { "/v1/projects/\($0)" },
        "sprint": { "/v1/projects/\($0)" },
        "template": { "/v1/templates/\($0)" },
        "customField": { "/v1/custom-fields/\($0)" },
        "contract": { "/v1/contracts/\($0)" },
        "obligation": { "/v1/obligations/\($0)" },
        "breach": { "/v1/breaches/\($0)" },
        "forum": { "/v1/governance-forums/\($0)" },
        "meeting": { "/v1/meetings/\($0)" },
        "decision": { "/v1/decisions/\($0)" },
        "action": { "/v1/actions/\($0)" },
        "transition": { "/v1/transitions/\($0)/readiness" },
        "stage": { "/v1/transitions/\($0.components(separatedBy: "/stages/")[0])/stages" },
        "criterion": { "/v1/transitions/\($0.components(separatedBy: "/criteria/")[0])/criteria" },
        "ktSession": { "/v1/transitions/\($0.components(separatedBy: "/kt-sessions/")[0])/kt-sessions" },
        "metric": { "/v1/transitions/\($0)/values" },
        "invoice": { "/v1/invoices/\($0)" },
    ]

    /// An issued invoice of the tenant (made as the invoice run would), for the billing reads.
    static func issuedInvoice(of tenant: TenantID, env: TestEnvironment) async throws -> String {
        try await env.withOwner { database in
            try await database.tenantTransaction(tenant) { scope in
                let store = InvoiceStore(scope)
                let draft = InvoiceDraft(currency: "EUR", lines: [InvoiceLineDraft(
                    kind: .baseFee, description: "Base fee", metric: nil, quantity: 30, unitPrice: 1_000, per: 30, amount: 1_000)])
                let invoice = try await store.create(draft, period: BillingPeriod(starting: YearMonth("2026-10")!, anchorDay: 1),
                                                          id: Domain.Environment.live.newID(), at: Date())
                _ = try await store.issue(invoice.id, at: Date())
                return invoice.id.uuidString.lowercased()
            }
        }
    }

    /// Platform operations are not tenant operations: a tenant's credential is refused there (403),
    /// and which tenants an operator sees is checked in `PlatformAPITests`.
    static func isTenantOperation(_ operation: OperationCatalog.Operation) -> Bool {
        !operation.path.hasPrefix("/v1/platform/")
    }

    @Test func everyOperationWithAPathIdHasACase() throws {
        let catalog = try OperationCatalog.load(from: OperationCatalog.bundledDocument())
        let withIDs = catalog.operations.filter { $0.hasPathParameter && Self.isTenantOperation($0) }.map(\.id)
        #expect(!withIDs.isEmpty)
        for id in withIDs {
            #expect(Self.attacks[id] != nil, "operation \(id) has a path id but no cross-tenant case")
        }
    }

    @Test func anotherTenantsResourcesAreNotFoundAndUnchanged() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("victim")
        let intruder = try await env.createTenant("intruder")
        let aOwner = try await env.createMember(in: a.tenant, role: .owner)
        let aViewer = try await env.createMember(in: a.tenant, role: .viewer)
        // B attacks as its owner: a member holding every scope.
        let b = try await env.createMember(in: intruder.tenant, role: .owner)
        let catalog = try OperationCatalog.load(from: OperationCatalog.bundledDocument())
        try await env.withApp { client in
            let created = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                                json: #"{"code":"SECRET-1","name":"A's project","currency":"EUR"}"#)
            let id = try #require(created.object["id"] as? String)
            let apiClient = try await client.call(.post, "/v1/api-clients", auth: aOwner.authorization,
                                                  json: #"{"name":"A's robot","scopes":["projects:read"]}"#)
            let clientID = try #require(apiClient.object["id"] as? String)
            let clientKey = try await client.call(.post, "/v1/api-clients/\(clientID)/keys", auth: aOwner.authorization,
                                                  json: #"{"name":"primary"}"#)
            let clientSecret = try #require(clientKey.object["token"] as? String)
            let delivery = try await Self.deliveryOf(a.authorization, projectID: id, client)
                .merging(try await Self.governanceOf(a.authorization, owner: aOwner.member.id.uuidString.lowercased(), client)) { first, _ in first }
                .merging(["invoice": try await Self.issuedInvoice(of: a.tenant.id, env: env)]) { first, _ in first }
                // Not among the state read before and after: the export runner moves it on meanwhile.
                .merging(["dataExport": try #require(try await client.call(.post, "/v1/exports", auth: aOwner.authorization)
                    .object["id"] as? String)]) { first, _ in first }
            let victim = Victim(projectRefs: [id, "SECRET-1"], memberID: aViewer.member.id.uuidString.lowercased(),
                                tokenID: aViewer.keyID.uuidString.lowercased(), clientID: clientID,
                                clientKeyID: try #require(clientKey.object["id"] as? String), delivery: delivery)
            let state = { @Sendable in
                try await delivery.sorted(by: { $0.key < $1.key }).compactMap { kind, id in
                    Self.readPaths[kind].map { $0(id) }
                }.asyncMap { path in try await client.call(.get, path, auth: a.authorization).text } + [
                    client.call(.get, "/v1/projects/\(id)", auth: a.authorization).text,
                    client.call(.get, "/v1/members/\(victim.memberID)", auth: aOwner.authorization).text,
                    client.call(.get, "/v1/api-clients/\(clientID)", auth: aOwner.authorization).text,
                    client.call(.get, "/v1/api-clients/\(clientID)/keys", auth: aOwner.authorization).text,
                ]
            }
            let before = try await state()

            for operation in catalog.operations where operation.hasPathParameter && Self.isTenantOperation(operation) {
                let attack = try #require(Self.attacks[operation.id])
                for response in try await attack(client, b.authorization, victim) {
                    #expect(response.status == .notFound, "\(operation.id) gave \(response.status)")
                    // The same problem as for a reference that exists nowhere: nothing reveals existence.
                    #expect(response.object["type"] as? String == "/problems/not-found")
                    #expect(!response.text.contains("A's project") && !response.text.contains(aViewer.member.email))
                }
            }
            #expect(try await state() == before)
            // A's viewer token and client key still work: B could neither revoke nor disable them.
            #expect(try await client.call(.get, "/v1/members/me", auth: aViewer.authorization).status == .ok)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(clientSecret)").status == .ok)
            let clients = try await client.call(.get, "/v1/api-clients", auth: b.authorization)
            #expect((clients.object["items"] as? [Any])?.isEmpty == true)

            // Nor can B build a project from A's template, nor see it listed.
            let fromA = try await client.call(.post, "/v1/projects/from-template", auth: b.authorization, json: """
                {"templateId":"\(delivery["template"]!)","code":"STOLEN","name":"Stolen","currency":"EUR","startDate":"2026-12-01"}
                """)
            #expect(fromA.status == .unprocessableContent)
            let templates = try await client.call(.get, "/v1/templates", auth: b.authorization)
            #expect(!templates.text.contains(delivery["template"]!))
            // Nor feed A's obligation in bulk, nor see A's breaches, contracts or measurements listed.
            let fed = try await client.call(.post, "/v1/measurements/bulk", auth: b.authorization, json: """
                {"items":[{"obligationId":"\(delivery["obligation"]!)","period":"2026-04","value":1}]}
                """)
            #expect(fed.status == .unprocessableContent && !fed.text.contains("A's"))
            // Nor hang B's records on A's: a meeting in A's forum, a decision citing A's breach.
            let planted = try await client.call(.post, "/v1/meetings", auth: b.authorization,
                                                json: #"{"forumId":"\#(delivery["forum"]!)","date":"2026-04-03"}"#)
            #expect(planted.status == .unprocessableContent)
            let cited = try await client.call(.post, "/v1/decisions", auth: b.authorization, json: """
                {"title":"B's","date":"2026-04-03","madeBy":"B","breachIds":["\(delivery["breach"]!)"]}
                """)
            #expect(cited.status == .unprocessableContent)
            for list in ["/v1/breaches", "/v1/contracts", "/v1/breaches?obligationId=\(delivery["obligation"]!)",
                         "/v1/governance-forums", "/v1/meetings", "/v1/decisions?breachId=\(delivery["breach"]!)", "/v1/actions"] {
                #expect((try await client.call(.get, list, auth: b.authorization).object["items"] as? [Any])?.isEmpty == true, "\(list)")
            }

            // Lists and usage are scoped to the caller's tenant, too.
            let listed = try await client.call(.get, "/v1/projects?limit=200", auth: b.authorization)
            #expect((listed.object["items"] as? [Any])?.isEmpty == true)
            let members = try await client.call(.get, "/v1/members?limit=200", auth: b.authorization)
            #expect((members.object["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [b.member.id.uuidString.lowercased()])
            // B may create a project with the same code: codes are unique per tenant only.
            let sameCode = try await client.call(.post, "/v1/projects", auth: b.authorization,
                                                 json: #"{"code":"SECRET-1","name":"B's own","currency":"EUR"}"#)
            #expect(sameCode.status == .created)
            #expect(try await client.call(.get, "/v1/projects/SECRET-1", auth: a.authorization).object["name"] as? String == "A's project")
        }
        #expect(try await env.count("projects", tenant: a.tenant.id) == 1)
        #expect(try await env.count("work_items", tenant: a.tenant.id) == 2)
        #expect(try await env.count("work_item_dependencies", tenant: a.tenant.id) == 1)
        #expect(try await env.count("baselines", tenant: a.tenant.id) == 1)
        #expect(try await env.count("cost_entries", tenant: a.tenant.id) == 1)
        #expect(try await env.count("sprints", tenant: a.tenant.id) == 1)
        #expect(try await env.count("obligations", tenant: a.tenant.id) == 1)
        #expect(try await env.count("measurements", tenant: a.tenant.id) == 1)
        #expect(try await env.count("breaches", tenant: a.tenant.id) == 1)
        #expect(try await env.count("transition_stages", tenant: a.tenant.id) == 7)
        #expect(try await env.count("readiness_criteria", tenant: a.tenant.id) == 18)
        #expect(try await env.count("kt_sessions", tenant: a.tenant.id) == 1)
        #expect(try await env.count("hypercare_values", tenant: a.tenant.id) == 1)
        #expect(try await env.apiAudits(tenant: b.tenant.id) == 1)
    }
}

extension Array where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

/// Isolation of what is not addressed by a path id: usage and idempotency keys.
@Suite struct CrossTenantUsageAndIdempotencyTests {
    @Test func usageAndIdempotencyKeysAreScopedToTheCallersTenant() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("scope-a")
        let b = try await env.createTenant("scope-b")
        let body = #"{"code":"SAME-1","name":"Same body","currency":"EUR"}"#
        let (first, second) = try await env.withApp { client in
            let first = try await client.call(.post, "/v1/projects", auth: a.authorization, json: body,
                                              headers: ["Idempotency-Key": "shared-key"])
            let second = try await client.call(.post, "/v1/projects", auth: b.authorization, json: body,
                                               headers: ["Idempotency-Key": "shared-key"])
            return (first.object["id"] as? String, second)
        }
        #expect(second.status == .created)
        #expect(second.object["id"] as? String != first, "B must not get A's stored response")
        try await env.withApp { client in
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let usage = try await client.call(.get, "/v1/usage?from=\(today)&to=\(today)", auth: b.authorization)
            let lines = usage.object["items"] as? [[String: Any]] ?? []
            #expect(lines.count == 1)
            #expect(lines.first?["count"] as? Int == 1, "B sees only its own single call")
        }
    }
}
