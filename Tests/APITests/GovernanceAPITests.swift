import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport
import UseCases

/// Contracts, obligations, measurements and breaches end to end.
@Suite struct GovernanceAPITests {
    static let contract = """
        {"code":"CC-2026","name":"Contact centre","clientParty":"Acme Retail","service":"Customer service",
         "startDate":"2026-01-01","endDate":"2027-12-31","monthlyFee":10000000,"currency":"EUR","serviceCreditCapPercent":12}
        """
    static let serviceLevel = """
        {"name":"Service level","kind":"service_level","metric":"calls answered within 20 s","unit":"%",
         "period":"monthly","comparator":">=","threshold":80,"creditPercent":5}
        """

    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }
    func pointers(_ response: TestResponse) -> [String] {
        (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    /// A contract and its monthly service-level obligation; returns (contract id, obligation id).
    static func contractWithServiceLevel(_ client: some TestClientProtocol, _ auth: String) async throws -> (String, String) {
        let contract = try await client.call(.post, "/v1/contracts", auth: auth, json: Self.contract)
        #expect(contract.status == .created, "\(contract.text)")
        let contractID = try #require(contract.object["id"] as? String)
        let obligation = try await client.call(.post, "/v1/contracts/\(contractID)/obligations", auth: auth, json: Self.serviceLevel)
        #expect(obligation.status == .created, "\(obligation.text)")
        return (contractID, try #require(obligation.object["id"] as? String))
    }

    @Test func contractsAreValidatedAndKeepTheirObligations() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("contracts")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        try await env.withApp { client in
            let bad = try await client.call(.post, "/v1/contracts", auth: owner.authorization, json: """
                {"code":"cc","name":" ","clientParty":"Acme","service":"CS","startDate":"2026-02-30","endDate":"2025-01-01",
                 "monthlyFee":-1,"currency":"eur","serviceCreditCapPercent":12.345}
                """)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(pointers(bad)) == ["/code", "/name", "/startDate", "/monthlyFee", "/currency", "/serviceCreditCapPercent"])
            let (contractID, obligationID) = try await Self.contractWithServiceLevel(client, owner.authorization)
            let read = try await client.call(.get, "/v1/contracts/\(contractID)", auth: owner.authorization)
            #expect(read.object["serviceCreditCapPercent"] as? Double == 12 && read.object["monthlyFee"] as? Int == 10_000_000)
            let duplicate = try await client.call(.post, "/v1/contracts", auth: owner.authorization, json: Self.contract)
            #expect(duplicate.status == .conflict && pointers(duplicate) == ["/code"])
            let renamed = try await client.call(.patch, "/v1/contracts/\(contractID)", auth: owner.authorization,
                                                json: #"{"name":"Contact centre 2026","endDate":null}"#, headers: ["If-Match": "\"1\""])
            #expect(renamed.status == .ok && renamed.object["endDate"] == nil && renamed.object["version"] as? Int == 2)
            let stale = try await client.call(.patch, "/v1/contracts/\(contractID)", auth: owner.authorization,
                                              json: #"{"name":"Late"}"#, headers: ["If-Match": "\"1\""])
            #expect(stale.status == .preconditionFailed)
            // The contract keeps its obligations; the obligation keeps its measurements.
            let refused = try await client.call(.delete, "/v1/contracts/\(contractID)", auth: owner.authorization)
            #expect(refused.status == .conflict && refused.object["type"] as? String == "/problems/has-children")
            #expect(try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-03", auth: owner.authorization,
                                          json: #"{"value":82}"#).status == .created)
            let kept = try await client.call(.delete, "/v1/obligations/\(obligationID)", auth: owner.authorization)
            #expect(kept.status == .conflict)
            // A measured term cannot shrink away from March.
            let shrink = try await client.call(.patch, "/v1/contracts/\(contractID)", auth: owner.authorization,
                                               json: #"{"startDate":"2026-04-01"}"#)
            #expect(shrink.status == .unprocessableContent && pointers(shrink) == ["/startDate"], "\(shrink.text)")
            let listed = try await client.call(.get, "/v1/contracts/\(contractID)/obligations", auth: owner.authorization)
            #expect(items(listed).map { $0["id"] as? String } == [obligationID])
        }
        #expect(try await env.count("contracts", tenant: tenant.tenant.id) == 1)
    }

    @Test func obligationsAreCheckedByKind() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("obligations").tenant, role: .owner)
        try await env.withApp { client in
            let contract = try await client.call(.post, "/v1/contracts", auth: owner.authorization, json: Self.contract)
            let contractID = try #require(contract.object["id"] as? String)
            let path = "/v1/contracts/\(contractID)/obligations"
            let measuredWithoutThreshold = try await client.call(.post, path, auth: owner.authorization, json: """
                {"name":"AHT","kind":"kpi","metric":"average handle time","period":"weekly","creditPercent":2.5,"dueDate":"2026-03-01"}
                """)
            #expect(measuredWithoutThreshold.status == .unprocessableContent)
            #expect(Set(pointers(measuredWithoutThreshold)) == ["/comparator", "/threshold", "/dueDate"])
            let deliverableWithThreshold = try await client.call(.post, path, auth: owner.authorization, json: """
                {"name":"Runbook","kind":"deliverable","metric":"operations runbook","period":"monthly","creditPercent":1,
                 "comparator":">=","threshold":1,"earnBackPeriods":2}
                """)
            #expect(Set(pointers(deliverableWithThreshold)) == ["/comparator", "/earnBackPeriods", "/dueDate"])
            let outsideTerm = try await client.call(.post, path, auth: owner.authorization, json: """
                {"name":"Runbook","kind":"deliverable","metric":"operations runbook","period":"monthly","creditPercent":1,
                 "dueDate":"2030-01-31"}
                """)
            #expect(outsideTerm.status == .unprocessableContent && pointers(outsideTerm) == ["/dueDate"])
            let badPercent = try await client.call(.post, path, auth: owner.authorization, json: """
                {"name":"AHT","kind":"kpi","metric":"average handle time","period":"weekly","comparator":"<=","threshold":300,
                 "creditPercent":2.555,"earnBackPeriods":25}
                """)
            #expect(Set(pointers(badPercent)) == ["/creditPercent", "/earnBackPeriods"])
            #expect(try await client.call(.post, path, auth: owner.authorization, json: Self.serviceLevel).status == .created)
            let same = try await client.call(.post, path, auth: owner.authorization, json: Self.serviceLevel)
            #expect(same.status == .conflict && pointers(same) == ["/name"])
        }
    }

    @Test func aBreachOpensOnceAndACorrectionWithdrawsItWithATrail() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("breaches")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let (_, obligationID) = try await Self.contractWithServiceLevel(client, owner.authorization)
            let path = "/v1/obligations/\(obligationID)/measurements/2026-03"
            let first = try await client.call(.put, path, auth: owner.authorization, json: #"{"value":75.5}"#)
            #expect(first.status == .created && first.object["met"] as? Bool == false)
            let breachID = try #require(first.object["breachId"] as? String)
            // The same value again: 200, nothing written, the same breach.
            let again = try await client.call(.put, path, auth: owner.authorization, json: #"{"value":75.5}"#)
            #expect(again.status == .ok && again.object["version"] as? Int == 1 && again.object["breachId"] as? String == breachID)
            // Still breached with another value: the breach stays and says so.
            let lower = try await client.call(.put, path, auth: owner.authorization, json: #"{"value":70}"#)
            #expect(lower.object["breachId"] as? String == breachID && lower.object["version"] as? Int == 2)
            #expect(try await client.call(.get, "/v1/breaches/\(breachID)", auth: owner.authorization).object["value"] as? Double == 70)
            // Corrected to a value that meets: the breach goes.
            let corrected = try await client.call(.put, path, auth: owner.authorization, json: #"{"value":81}"#)
            #expect(corrected.status == .ok && corrected.object["met"] as? Bool == true && corrected.object["breachId"] == nil)
            #expect(try await client.call(.get, "/v1/breaches/\(breachID)", auth: owner.authorization).status == .notFound)
            let read = try await client.call(.get, path, auth: owner.authorization)
            #expect(read.object["value"] as? Double == 81 && read.object["version"] as? Int == 3)

            let audit = try await client.call(.get, "/v1/audit-events?limit=200", auth: owner.authorization)
            let operations = items(audit).compactMap { $0["operation"] as? String }
                .filter { ["recordMeasurement", "correctMeasurement", "openBreach", "restateBreach", "withdrawBreach"].contains($0) }
            #expect(operations == ["recordMeasurement", "openBreach", "correctMeasurement", "restateBreach",
                                   "correctMeasurement", "withdrawBreach"])
            // Bad periods and values: a period of another kind, the future, outside the contract, a deliverable.
            for (period, pointer) in [("2026-03-01", "/period"), ("2026-W10", "/period"), ("2026-07", "/period"),
                                      ("2025-12", "/period")] {
                let refused = try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/\(period)",
                                                    auth: owner.authorization, json: #"{"value":90}"#)
                #expect(refused.status == .unprocessableContent && pointers(refused) == [pointer], "\(period): \(refused.text)")
            }
            let unknown = try await client.call(.put, "/v1/obligations/\(UUID().uuidString)/measurements/2026-03",
                                                auth: owner.authorization, json: #"{"value":90}"#)
            #expect(unknown.status == .notFound)
        }
        // Every value the period had: 75.5, 70, 81.
        #expect(try await env.count("measurement_revisions", tenant: tenant.tenant.id) == 3)
        #expect(try await env.count("breaches", tenant: tenant.tenant.id) == 0)
    }

    /// Concurrent writers to one period: one breach, whatever the interleaving; a credit racing a
    /// correction either wins (the correction is 409) or loses (the breach is gone, the credit 404),
    /// never both.
    @Test func concurrentWritesKeepOneBreachAndNeverLoseACredit() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("breach-race")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let (_, obligationID) = try await Self.contractWithServiceLevel(client, owner.authorization)
            for month in 1...5 {
                let path = "/v1/obligations/\(obligationID)/measurements/2026-0\(month)"
                async let first = client.call(.put, path, auth: owner.authorization, json: #"{"value":70}"#)
                async let second = client.call(.put, path, auth: owner.authorization, json: #"{"value":71}"#)
                async let third = client.call(.put, path, auth: owner.authorization, json: #"{"value":72}"#)
                let statuses = [try await first.status, try await second.status, try await third.status]
                #expect(statuses.filter { $0 == .created }.count == 1 && statuses.filter { $0 == .ok }.count == 2, "\(statuses)")
                let breaches = try await client.call(.get, "/v1/breaches?month=2026-0\(month)", auth: owner.authorization)
                #expect(items(breaches).count == 1, "month \(month)")
                let breachID = try #require(items(breaches).first?["id"] as? String)
                async let credit = client.call(.patch, "/v1/breaches/\(breachID)", auth: owner.authorization,
                                               json: #"{"status":"credited"}"#)
                async let correction = client.call(.put, path, auth: owner.authorization, json: #"{"value":95}"#)
                let (credited, corrected) = (try await credit, try await correction)
                let after = try await client.call(.get, "/v1/breaches/\(breachID)", auth: owner.authorization)
                if credited.status == .ok {
                    #expect(corrected.status == .conflict && after.object["status"] as? String == "credited", "month \(month)")
                } else {
                    #expect(credited.status == .notFound && corrected.status == .ok && after.status == .notFound, "month \(month)")
                }
            }
        }
        #expect(try await env.count("measurements", tenant: tenant.tenant.id) == 5)
    }

    @Test func newTermsApplyFromAStatedPeriodAndNeverRewriteThePast() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("terms").tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let (_, obligationID) = try await Self.contractWithServiceLevel(client, owner.authorization)
            #expect(try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-03", auth: owner.authorization,
                                          json: #"{"value":82}"#).object["met"] as? Bool == true)
            let withoutPeriod = try await client.call(.patch, "/v1/obligations/\(obligationID)", auth: owner.authorization,
                                                      json: #"{"threshold":85}"#)
            #expect(withoutPeriod.status == .unprocessableContent && pointers(withoutPeriod) == ["/effectiveFrom"])
            let rewriting = try await client.call(.patch, "/v1/obligations/\(obligationID)", auth: owner.authorization,
                                                  json: #"{"threshold":85,"effectiveFrom":"2026-03"}"#)
            #expect(rewriting.status == .unprocessableContent && pointers(rewriting) == ["/effectiveFrom"])
            #expect((rewriting.object["errors"] as? [[String: Any]])?.first?["detail"] as? String
                    == "must be after 2026-03, the last period measured or breached: recorded compliance is never rewritten")
            let changed = try await client.call(.patch, "/v1/obligations/\(obligationID)", auth: owner.authorization,
                                                json: #"{"threshold":85,"creditPercent":7.5,"effectiveFrom":"2026-04"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.object["threshold"] as? Double == 85 && changed.object["creditPercent"] as? Double == 7.5)
            let terms = changed.object["terms"] as? [[String: Any]] ?? []
            #expect(terms.map { $0["effectiveFrom"] as? String } == [nil, "2026-04"])
            #expect(terms.map { $0["threshold"] as? Double } == [80, 85])
            // March keeps its verdict under 80; April is judged under 85 and its breach carries 7.5 %.
            #expect(try await client.call(.get, "/v1/obligations/\(obligationID)/measurements/2026-03",
                                          auth: owner.authorization).object["met"] as? Bool == true)
            let april = try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-04",
                                              auth: owner.authorization, json: #"{"value":82}"#)
            #expect(april.object["met"] as? Bool == false)
            let breach = try await client.call(.get, "/v1/breaches/\(try #require(april.object["breachId"] as? String))",
                                               auth: owner.authorization)
            #expect(breach.object["threshold"] as? Double == 85 && breach.object["creditPercent"] as? Double == 7.5)
            #expect(breach.object["month"] as? String == "2026-04" && breach.object["status"] as? String == "open")
            let list = try await client.call(.get, "/v1/obligations/\(obligationID)/measurements?limit=1", auth: owner.authorization)
            let next = try #require(list.object["nextCursor"] as? String)
            let second = try await client.call(.get, "/v1/obligations/\(obligationID)/measurements?limit=1&cursor=\(next)",
                                               auth: owner.authorization)
            #expect(items(list).map { $0["period"] as? String } == ["2026-03"])
            #expect(items(second).map { $0["period"] as? String } == ["2026-04"] && second.object["nextCursor"] == nil)
        }
    }

    @Test func bulkMeasurementsApplyAllOrNoneAndNameEveryFailingItem() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("bulk")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let (contractID, serviceLevel) = try await Self.contractWithServiceLevel(client, owner.authorization)
            let aht = try await client.call(.post, "/v1/contracts/\(contractID)/obligations", auth: owner.authorization, json: """
                {"name":"AHT","kind":"kpi","metric":"average handle time","unit":"s","period":"weekly","comparator":"<=",
                 "threshold":300,"creditPercent":2}
                """)
            let ahtID = try #require(aht.object["id"] as? String)
            let refused = try await client.call(.post, "/v1/measurements/bulk", auth: owner.authorization, json: """
                {"items":[{"obligationId":"\(serviceLevel)","period":"2026-01","value":85},
                          {"obligationId":"\(ahtID)","period":"2026-01","value":290},
                          {"obligationId":"\(ahtID)","period":"2026-W02","value":310},
                          {"obligationId":"\(UUID().uuidString)","period":"2026-01","value":1},
                          {"obligationId":"\(serviceLevel)","period":"2026-01","value":86},
                          {"obligationId":"not-a-uuid","period":"2026-01","value":1}]}
                """)
            #expect(refused.status == .unprocessableContent)
            #expect(pointers(refused) == ["/items/5/obligationId"])
            let refusedAgain = try await client.call(.post, "/v1/measurements/bulk", auth: owner.authorization, json: """
                {"items":[{"obligationId":"\(serviceLevel)","period":"2026-01","value":85},
                          {"obligationId":"\(ahtID)","period":"2026-01","value":290},
                          {"obligationId":"\(ahtID)","period":"2026-W02","value":310},
                          {"obligationId":"\(UUID().uuidString)","period":"2026-01","value":1},
                          {"obligationId":"\(serviceLevel)","period":"2026-01","value":86}]}
                """)
            #expect(pointers(refusedAgain) == ["/items/1/period", "/items/3/obligationId", "/items/4/period"])
            #expect(try await env.count("measurements", tenant: tenant.tenant.id) == 0)

            let body = """
                {"items":[{"obligationId":"\(serviceLevel)","period":"2026-01","value":85},
                          {"obligationId":"\(serviceLevel)","period":"2026-02","value":79.9},
                          {"obligationId":"\(ahtID)","period":"2026-W02","value":310},
                          {"obligationId":"\(ahtID)","period":"2026-W03","value":300}]}
                """
            let accepted = try await client.call(.post, "/v1/measurements/bulk", auth: owner.authorization, json: body,
                                                 headers: ["Idempotency-Key": "feed-1"])
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(items(accepted).map { $0["met"] as? Bool } == [true, false, false, true])
            #expect(accepted.object["created"] as? Int == 4 && accepted.object["breachesOpened"] as? Int == 2)
            let replay = try await client.call(.post, "/v1/measurements/bulk", auth: owner.authorization, json: body,
                                               headers: ["Idempotency-Key": "feed-1"])
            #expect(replay.status == .ok && replay.text == accepted.text)
            // Sent again without the key: all unchanged.
            let resent = try await client.call(.post, "/v1/measurements/bulk", auth: owner.authorization, json: body)
            #expect(resent.object["unchanged"] as? Int == 4 && resent.object["breachesOpened"] as? Int == 0)
            let tooMany = try await client.call(.post, "/v1/measurements/bulk", auth: owner.authorization, json: """
                {"items":[\(Array(repeating: #"{"obligationId":"\#(serviceLevel)","period":"2026-01","value":85}"#, count: 1001)
                    .joined(separator: ","))]}
                """)
            #expect(tooMany.status == .unprocessableContent && pointers(tooMany) == ["/items"])
            let open = try await client.call(.get, "/v1/breaches?contractId=\(contractID)&status=open", auth: owner.authorization)
            #expect(items(open).map { $0["period"] as? String } == ["2026-02", "2026-W02"])
            let january = try await client.call(.get, "/v1/breaches?month=2026-01", auth: owner.authorization)
            #expect(items(january).map { $0["period"] as? String } == ["2026-W02"])
            let malformed = try await client.call(.get, "/v1/breaches?month=2026-13&contractId=x", auth: owner.authorization)
            #expect(malformed.status == .badRequest && pointers(malformed) == ["/contractId"])
            let noSuchMonth = try await client.call(.get, "/v1/breaches?month=2026-13", auth: owner.authorization)
            #expect(noSuchMonth.status == .unprocessableContent && pointers(noSuchMonth) == ["/month"])
            let tooLong = try await client.call(.get, "/v1/contracts/\(contractID)/compliance?from=2026-01&to=2028-01",
                                                auth: owner.authorization)
            #expect(tooLong.status == .unprocessableContent && pointers(tooLong) == ["/to"])
            let noMonth = try await client.call(.get, "/v1/contracts/\(contractID)/service-credits", auth: owner.authorization)
            #expect(noMonth.status == .badRequest && pointers(noMonth) == ["/month"])
        }
        #expect(try await env.count("measurements", tenant: tenant.tenant.id) == 4)
        #expect(try await env.count("breaches", tenant: tenant.tenant.id) == 2)
    }

    @Test func breachesAreWaivedByDecisionCreditedAndThenFinal() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("waivers").tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let (_, obligationID) = try await Self.contractWithServiceLevel(client, owner.authorization)
            let march = try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-03",
                                              auth: owner.authorization, json: #"{"value":60}"#)
            let breach = "/v1/breaches/\(try #require(march.object["breachId"] as? String))"
            let unexplained = try await client.call(.patch, breach, auth: owner.authorization, json: #"{"status":"waived"}"#)
            #expect(unexplained.status == .unprocessableContent && Set(pointers(unexplained)) == ["/decisionReference", "/reason"])
            let waived = try await client.call(.patch, breach, auth: owner.authorization, json: """
                {"status":"waived","decisionReference":"SC-2026-04 item 3","reason":"Storm outage, force majeure"}
                """)
            #expect(waived.object["status"] as? String == "waived" && waived.object["reason"] as? String == "Storm outage, force majeure")
            let reinstated = try await client.call(.patch, breach, auth: owner.authorization, json: #"{"status":"open"}"#)
            #expect(reinstated.object["status"] as? String == "open" && reinstated.object["decisionReference"] == nil)
            let credited = try await client.call(.patch, breach, auth: owner.authorization,
                                                 json: #"{"status":"credited","creditReference":"CN-2026-0042"}"#)
            #expect(credited.object["status"] as? String == "credited")
            let final = try await client.call(.patch, breach, auth: owner.authorization, json: """
                {"status":"waived","decisionReference":"late","reason":"late"}
                """)
            #expect(final.status == .conflict && final.object["allowed"] as? [String] == [])
            // A correction that would withdraw a credited breach is refused, and changes nothing.
            let correction = try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-03",
                                                   auth: owner.authorization, json: #"{"value":90}"#)
            #expect(correction.status == .conflict && correction.object["type"] as? String == "/problems/breach-credited")
            #expect(try await client.call(.get, "/v1/obligations/\(obligationID)/measurements/2026-03",
                                          auth: owner.authorization).object["value"] as? Double == 60)
            let audit = try await client.call(.get, "/v1/audit-events?resourceType=breach", auth: owner.authorization)
            #expect(items(audit).compactMap { $0["operation"] as? String }
                    == ["openBreach", "waiveBreach", "reinstateBreach", "creditBreach"])
        }
    }

    @Test func deliverablesBreachWhenLateOrOverdue() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("deliverables")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        let clock = TestClock("2026-03-31")
        try await env.withApp(environment: clock.environment) { client in
            let contract = try await client.call(.post, "/v1/contracts", auth: owner.authorization, json: Self.contract)
            let contractID = try #require(contract.object["id"] as? String)
            let created = try await client.call(.post, "/v1/contracts/\(contractID)/obligations", auth: owner.authorization, json: """
                {"name":"Runbook","kind":"deliverable","metric":"operations runbook","period":"monthly","creditPercent":1,
                 "dueDate":"2026-03-31"}
                """)
            let runbook = try #require(created.object["id"] as? String)
            #expect(try await client.call(.put, "/v1/obligations/\(runbook)/measurements/2026-03", auth: owner.authorization,
                                          json: #"{"value":1}"#).status == .unprocessableContent)
            // Due today: not breached yet.
            #expect(items(try await client.call(.get, "/v1/breaches", auth: owner.authorization)).isEmpty)
            // The next day nobody has read; the check opens the breach, as itself.
            clock.set("2026-04-01")
            let sweep = { @Sendable (database: Database) in
                try await DeliverableCheck.sweep(database, today: CalendarDate(utcDate: clock.date), now: clock.date,
                                                 newID: Domain.Environment.live.newID)
            }
            #expect(try await env.withApp { (database: Database) in try await sweep(database) } == 1)
            #expect(try await env.withApp { (database: Database) in try await sweep(database) } == 0)
            let overdue = items(try await client.call(.get, "/v1/breaches", auth: owner.authorization))
            #expect(overdue.map { $0["period"] as? String } == ["2026-03"] && overdue.first?["value"] == nil)
            let audit = try await client.call(.get, "/v1/audit-events?resourceType=breach", auth: owner.authorization)

            #expect(items(audit).first?["actor"] as? [String: String] == ["type": "system", "id": "deliverable-check"], "\(audit.text)")
            // Delivered on the due date after all: the breach goes. Delivered a day late: it is back.
            let onTime = try await client.call(.patch, "/v1/obligations/\(runbook)", auth: owner.authorization,
                                               json: #"{"deliveredOn":"2026-03-31"}"#)
            #expect(onTime.status == .ok, "\(onTime.text)")
            #expect(items(try await client.call(.get, "/v1/breaches", auth: owner.authorization)).isEmpty)
            _ = try await client.call(.patch, "/v1/obligations/\(runbook)", auth: owner.authorization, json: #"{"deliveredOn":"2026-04-01"}"#)
            #expect(items(try await client.call(.get, "/v1/breaches", auth: owner.authorization)).count == 1)
            let future = try await client.call(.patch, "/v1/obligations/\(runbook)", auth: owner.authorization,
                                               json: #"{"deliveredOn":"2026-04-02"}"#)
            #expect(future.status == .unprocessableContent && pointers(future) == ["/deliveredOn"])
            // A deliverable created already overdue is breached at once, on read too.
            _ = try await client.call(.post, "/v1/contracts/\(contractID)/obligations", auth: owner.authorization, json: """
                {"name":"Transition plan","kind":"deliverable","metric":"signed transition plan","period":"monthly",
                 "creditPercent":2,"dueDate":"2026-02-15"}
                """)
            let compliance = try await client.call(.get, "/v1/contracts/\(contractID)/compliance?from=2026-02&to=2026-03",
                                                   auth: owner.authorization)
            let months = compliance.object["months"] as? [[String: Any]] ?? []
            #expect(months.map { $0["evaluated"] as? Int } == [1, 1] && months.map { $0["met"] as? Int } == [0, 0])
            #expect(months.map { $0["sharePercent"] as? Double } == [0, 0])
            // Due today (1 April), undelivered: nothing yet, even after today's reads. Tomorrow's first
            // read opens the breach itself, without waiting for the hourly check.
            _ = try await client.call(.post, "/v1/contracts/\(contractID)/obligations", auth: owner.authorization, json: """
                {"name":"Handover pack","kind":"deliverable","metric":"handover pack","period":"monthly","creditPercent":1,
                 "dueDate":"2026-04-01"}
                """)
            #expect(items(try await client.call(.get, "/v1/breaches?month=2026-04", auth: owner.authorization)).isEmpty)
            clock.set("2026-04-02")
            let next = items(try await client.call(.get, "/v1/breaches?month=2026-04", auth: owner.authorization))
            #expect(next.map { $0["obligationName"] as? String } == ["Handover pack"])
        }
        #expect(try await env.count("breaches", tenant: tenant.tenant.id) == 3)
    }

    @Test func aClientKeyWithOnlyGovernanceWriteFeedsMeasurements() async throws {
        let env = try await TestEnvironment()
        let owner = try await env.createMember(in: try await env.createTenant("feed").tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-06-15").environment) { client in
            let (contractID, obligationID) = try await Self.contractWithServiceLevel(client, owner.authorization)
            let robot = try await client.call(.post, "/v1/api-clients", auth: owner.authorization,
                                              json: #"{"name":"ACD feed","scopes":["governance:write"]}"#)
            let robotID = try #require(robot.object["id"] as? String)
            let key = try await client.call(.post, "/v1/api-clients/\(robotID)/keys", auth: owner.authorization, json: #"{"name":"acd"}"#)
            let feed = "Bearer \(try #require(key.object["token"] as? String))"
            let put = try await client.call(.put, "/v1/obligations/\(obligationID)/measurements/2026-05", auth: feed, json: #"{"value":88}"#)
            #expect(put.status == .created)
            let bulk = try await client.call(.post, "/v1/measurements/bulk", auth: feed, json: """
                {"items":[{"obligationId":"\(obligationID)","period":"2026-04","value":79}]}
                """)
            #expect(bulk.status == .ok && bulk.object["breachesOpened"] as? Int == 1)
            // The feed reads nothing and changes no contract.
            #expect(try await client.call(.get, "/v1/contracts/\(contractID)", auth: feed).status == .forbidden)
            #expect(try await client.call(.get, "/v1/breaches", auth: feed).status == .forbidden)
        }
    }
}
