import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// The acceptance scenario of contract governance: a contact-centre contract measured for six months by the client's
/// own feed, with breaches, a waiver, earn-back and the cap checked against figures worked by hand.
///
/// Contract: fee 50,000.00 EUR a month (5,000,000 minor units), credits capped at 12 % (600,000).
/// - Service level, monthly, ≥ 80 % of calls answered in 20 s, 5 % (250,000) per breach, earned back
///   when the next 2 months are met.
/// - Abandonment, monthly, ≤ 5 %, 3 % (150,000) per breach.
/// - Average handle time, weekly (ISO weeks, counted in the month their Sunday falls in), ≤ 300 s,
///   1.5 % (75,000) per breach.
@Suite struct GovernanceScenarioTests {
    static let serviceLevel = ["2026-01": 82.1, "2026-02": 78.4, "2026-03": 80.0, "2026-04": 81.5, "2026-05": 79.99, "2026-06": 70]
    static let abandonment = ["2026-01": 4.2, "2026-02": 5.6, "2026-03": 5.0, "2026-04": 6.1, "2026-05": 4.9, "2026-06": 7.0]
    /// Weeks 1–26 of 2026 (Sundays 4 January to 28 June); 290 s unless listed.
    static let handleTime: [Int: Double] = [3: 305, 6: 312, 7: 301, 10: 299, 15: 330, 20: 300, 21: 300.5, 23: 320, 24: 315,
                                            25: 310, 26: 302]

    func items(_ response: TestResponse) -> [[String: Any]] { response.object["items"] as? [[String: Any]] ?? [] }

    @Test func sixMonthsOfAContactCentreContract() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("contact-centre")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        try await env.withApp(environment: TestClock("2026-07-15").environment) { client in
            let contract = try await client.call(.post, "/v1/contracts", auth: owner.authorization, json: """
                {"code":"ACME-CC","name":"Acme contact centre","clientParty":"Acme Retail","service":"Inbound customer service",
                 "startDate":"2026-01-01","monthlyFee":5000000,"currency":"EUR","serviceCreditCapPercent":12}
                """)
            let contractID = try #require(contract.object["id"] as? String)
            func obligation(_ json: String) async throws -> String {
                let created = try await client.call(.post, "/v1/contracts/\(contractID)/obligations", auth: owner.authorization, json: json)
                #expect(created.status == .created, "\(created.text)")
                return try #require(created.object["id"] as? String)
            }
            let sl = try await obligation("""
                {"name":"Service level","kind":"service_level","metric":"calls answered within 20 s","unit":"%","period":"monthly",
                 "comparator":">=","threshold":80,"creditPercent":5,"earnBackPeriods":2}
                """)
            let abn = try await obligation("""
                {"name":"Abandonment","kind":"kpi","metric":"abandonment rate","unit":"%","period":"monthly",
                 "comparator":"<=","threshold":5,"creditPercent":3}
                """)
            let aht = try await obligation("""
                {"name":"Average handle time","kind":"kpi","metric":"average handle time","unit":"s","period":"weekly",
                 "comparator":"<=","threshold":300,"creditPercent":1.5}
                """)

            // The client's ACD pushes its figures with a key that may only write governance data.
            let robot = try await client.call(.post, "/v1/api-clients", auth: owner.authorization,
                                              json: #"{"name":"ACD","scopes":["governance:write"]}"#)
            let key = try await client.call(.post, "/v1/api-clients/\(try #require(robot.object["id"] as? String))/keys",
                                            auth: owner.authorization, json: #"{"name":"acd"}"#)
            let feed = "Bearer \(try #require(key.object["token"] as? String))"
            // January's service level first arrives wrong (78: a breach), and is corrected with the rest.
            let early = try await client.call(.put, "/v1/obligations/\(sl)/measurements/2026-01", auth: feed, json: #"{"value":78}"#)
            #expect(early.object["breachId"] as? String != nil)
            var entries = Self.serviceLevel.map { #"{"obligationId":"\#(sl)","period":"\#($0.key)","value":\#($0.value)}"# }
            entries += Self.abandonment.map { #"{"obligationId":"\#(abn)","period":"\#($0.key)","value":\#($0.value)}"# }
            entries += (1...26).map { week in
                #"{"obligationId":"\#(aht)","period":"2026-W\#(week < 10 ? "0" : "")\#(week)","value":\#(Self.handleTime[week] ?? 290)}"#
            }
            let bulk = try await client.call(.post, "/v1/measurements/bulk", auth: feed,
                                             json: #"{"items":[\#(entries.joined(separator: ","))]}"#)
            #expect(bulk.status == .ok, "\(bulk.text)")
            // 38 periods: 37 new, January's service level corrected; its breach withdrawn; 15 opened.
            #expect(bulk.object["created"] as? Int == 37 && bulk.object["corrected"] as? Int == 1)
            #expect(bulk.object["breachesWithdrawn"] as? Int == 1 && bulk.object["breachesOpened"] as? Int == 15)

            // April's abandonment breach is waived by the steering committee.
            let april = items(try await client.call(.get, "/v1/breaches?contractId=\(contractID)&obligationId=\(abn)&month=2026-04",
                                                    auth: owner.authorization))
            #expect(april.count == 1)
            let waived = try await client.call(.patch, "/v1/breaches/\(try #require(april.first?["id"] as? String))",
                                               auth: owner.authorization, json: """
                {"status":"waived","decisionReference":"SC-2026-05 decision 2","reason":"Telephony carrier outage on 14 April"}
                """)
            #expect(waived.status == .ok)

            let all = items(try await client.call(.get, "/v1/breaches?contractId=\(contractID)&limit=200", auth: owner.authorization))
            #expect(all.count == 15)
            #expect(Set(all.filter { $0["obligationId"] as? String == sl }.compactMap { $0["period"] as? String })
                    == ["2026-02", "2026-05", "2026-06"])
            #expect(Set(all.filter { $0["obligationId"] as? String == aht }.compactMap { $0["period"] as? String })
                    == ["2026-W03", "2026-W06", "2026-W07", "2026-W15", "2026-W21", "2026-W23", "2026-W24", "2026-W25", "2026-W26"])

            // Credits month by month (total, subtotal, and what the service-level line did):
            // Jan: W03 75,000.
            // Feb: service level 250,000 earned back (March and April met) → 0; abandonment 150,000;
            //      W06 + W07 150,000 → 300,000.
            // Mar: nothing.
            // Apr: abandonment waived → 0; W15 75,000 → 75,000.
            // May: service level 250,000, earn-back forfeited (June breached); W21 75,000 → 325,000.
            // Jun: service level 250,000 (earn-back pending: July and August not measured); abandonment
            //      150,000; W23–W26 300,000 → 700,000, capped at 600,000.
            let expected: [(String, Int, Int, String?)] = [
                ("2026-01", 75_000, 75_000, nil), ("2026-02", 300_000, 300_000, "earned"), ("2026-03", 0, 0, nil),
                ("2026-04", 75_000, 75_000, nil), ("2026-05", 325_000, 325_000, "forfeited"), ("2026-06", 600_000, 700_000, "pending"),
            ]
            for (month, total, subtotal, earnBack) in expected {
                let credits = try await client.call(.get, "/v1/contracts/\(contractID)/service-credits?month=\(month)",
                                                    auth: owner.authorization)
                #expect(credits.object["total"] as? Int == total, "\(month): \(credits.text)")
                #expect(credits.object["subtotal"] as? Int == subtotal, "\(month)")
                #expect(credits.object["cap"] as? Int == 600_000 && credits.object["capped"] as? Bool == (subtotal > 600_000))
                let lines = credits.object["lines"] as? [[String: Any]] ?? []
                #expect(lines.filter { $0["obligationId"] as? String == sl }.first?["earnBack"] as? String == earnBack, "\(month)")
            }
            let february = try await client.call(.get, "/v1/contracts/\(contractID)/service-credits?month=2026-02", auth: owner.authorization)
            let lines = february.object["lines"] as? [[String: Any]] ?? []
            // In period order: the two monthly breaches (1 February), then weeks 6 and 7 (from 2 and 9 February).
            #expect(lines.map { $0["period"] as? String } == ["2026-02", "2026-02", "2026-W06", "2026-W07"])
            #expect(lines.map { $0["grossAmount"] as? Int }.sorted { ($0 ?? 0) < ($1 ?? 0) } == [75_000, 75_000, 150_000, 250_000])
            #expect((february.object["roundingRule"] as? String)?.contains("rounded half up") == true)

            // Compliance: Jan 5 of 6 periods met (83.33 %), Feb 2 of 6, Mar 7 of 7, Apr 4 of 6, May 5 of 7,
            // Jun 0 of 6; service level and abandonment 3 of 6 each, handle time 17 of 26 (65.38 %).
            let compliance = try await client.call(.get, "/v1/contracts/\(contractID)/compliance?from=2026-01&to=2026-06",
                                                   auth: owner.authorization)
            let months = compliance.object["months"] as? [[String: Any]] ?? []
            #expect(months.map { $0["evaluated"] as? Int } == [6, 6, 7, 6, 7, 6])
            #expect(months.map { $0["met"] as? Int } == [5, 2, 7, 4, 5, 0])
            #expect(months.map { $0["sharePercent"] as? Double } == [83.33, 33.33, 100, 66.67, 71.43, 0])
            let byObligation = Dictionary(uniqueKeysWithValues: (compliance.object["obligations"] as? [[String: Any]] ?? [])
                .map { ($0["obligationId"] as? String ?? "", $0) })
            #expect(byObligation[sl]?["sharePercent"] as? Double == 50 && byObligation[abn]?["sharePercent"] as? Double == 50)
            #expect(byObligation[aht]?["evaluated"] as? Int == 26 && byObligation[aht]?["sharePercent"] as? Double == 65.38)
        }
        #expect(try await env.count("breaches", tenant: tenant.tenant.id) == 15)
    }
}
