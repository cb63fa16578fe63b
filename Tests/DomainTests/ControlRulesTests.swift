import Domain
import Foundation
import Testing

/// The control layer's rules (docs/DOMAIN.md §3–4) with worked figures: risk score and heat map,
/// RAG bands and proposals, the outperform target policy, the change-request state machine, and
/// prioritisation with budget scenarios.
@Suite struct ControlRulesTests {
    // MARK: Risks

    @Test(arguments: [(1, 1, 1), (3, 4, 12), (5, 5, 25), (2, 5, 10)])
    func aRisksScoreIsProbabilityTimesImpact(probability: Int, impact: Int, score: Int) throws {
        #expect(try #require(RiskRating(probability: probability, impact: impact)).score == score)
    }

    @Test(arguments: [(0, 3), (6, 1), (3, 0), (1, 6), (-1, -1)])
    func ratingsOffTheOneToFiveScaleAreRefused(probability: Int, impact: Int) {
        #expect(RiskRating(probability: probability, impact: impact) == nil)
    }

    @Test func theHeatMapCountsRisksPerCell() throws {
        let ratings = try [(1, 1), (5, 5), (5, 5), (3, 4)].map { try #require(RiskRating(probability: $0.0, impact: $0.1)) }
        let map = RiskHeatMap(ratings)
        #expect(map.count(probability: 5, impact: 5) == 2)
        #expect(map.count(probability: 3, impact: 4) == 1)
        #expect(map.count(probability: 4, impact: 3) == 0)
        #expect(map.cells.count == 5 && map.cells.allSatisfy { $0.count == 5 })
        #expect(map.total == 4)
    }

    // MARK: RAG

    @Test(arguments: [(1.2, RAG.green), (0.95, .green), (0.9499, .amber), (0.85, .amber), (0.8499, .red), (0.0, .red)])
    func spiAndCpiBands(index: Double, rag: RAG) {
        #expect(RAGProposal.band(index: index) == rag)
        #expect(RAGProposal.band(index: Double(19) / Double(20)) == .green, "an SPI of exactly 19/20 is green")
    }

    @Test(arguments: [(nil, RAG.green), (7, .green), (8, .amber), (14, .amber), (15, .red), (25, .red)] as [(Int?, RAG)])
    func riskBands(score: Int?, rag: RAG) {
        #expect(RAGProposal.band(highestRiskScore: score) == rag)
    }

    @Test func theProposalJudgesEachDimensionAndTheOverallIsTheWorst() {
        let late = RAGProposal(spi: 0.9, cpi: nil, highestOpenRiskScore: 16, overdueMilestones: ["Go-live"])
        #expect(late.schedule.rag == .amber)
        #expect(late.schedule.reasons == ["SPI 0.90 is amber (green from 0.95, amber from 0.85)", "overdue milestones: Go-live"])
        #expect(late.cost.rag == nil && late.cost.reasons == ["no CPI: no actual cost was booked to date"])
        #expect(late.risk.rag == .red && late.risk.reasons == ["highest open risk score 16 is red (red from 15, amber from 8)"])
        #expect(late.overall == .red)
        // An overdue milestone makes the schedule at least amber, never better than SPI says.
        #expect(RAGProposal(spi: 1.05, cpi: 1.0, highestOpenRiskScore: nil, overdueMilestones: ["M1"]).schedule.rag == .amber)
        #expect(RAGProposal(spi: 0.5, cpi: 1.0, highestOpenRiskScore: nil, overdueMilestones: ["M1"]).schedule.rag == .red)
        #expect(RAGProposal(spi: nil, cpi: nil, highestOpenRiskScore: nil, overdueMilestones: ["M1"]).schedule.rag == .amber)
        let calm = RAGProposal(spi: 1.0, cpi: 0.96, highestOpenRiskScore: 4, overdueMilestones: [])
        #expect(calm.overall == .green && calm.cost.reasons == ["CPI 0.96 is green (green from 0.95, amber from 0.85)"])
        #expect(RAGProposal(spi: nil, cpi: nil, highestOpenRiskScore: nil, overdueMilestones: []).schedule.rag == nil)
    }

    // MARK: Outperform

    static func evaluate(_ values: [Decimal?], _ policy: KPITargetPolicy, _ direction: KPIDirection)
        -> [(target: Decimal, met: Bool?)] {
        KPITargets.evaluate(values, policy: policy, direction: direction).map { ($0.target, $0.met) }
    }

    @Test func outperformHigherIsBetterWithATwoPercentStep() {
        let results = Self.evaluate([82, 85, 84, nil, 90], .outperform(baseline: 80, stepPercent: 2), .higherIsBetter)
        #expect(results.map(\.target) == [80, Decimal(string: "83.64")!, Decimal(string: "86.7")!, Decimal(string: "86.7")!,
                                          Decimal(string: "86.7")!])
        #expect(results.map(\.met) == [true, true, false, nil, true])
    }

    @Test func equallingTheBestDoesNotBeatIt() {
        let results = Self.evaluate([82, 82, 83], .outperform(baseline: 80, stepPercent: nil), .higherIsBetter)
        #expect(results.map(\.target) == [80, 82, 82])
        #expect(results.map(\.met) == [true, false, true])
    }

    @Test func outperformLowerIsBetter() {
        // Average handling time in seconds: lower is better.
        let plain = Self.evaluate([290, 295, 280], .outperform(baseline: 300, stepPercent: nil), .lowerIsBetter)
        #expect(plain.map(\.target) == [300, 290, 290])
        #expect(plain.map(\.met) == [true, false, true])
        let tightened = Self.evaluate([290, 285, 284], .outperform(baseline: 300, stepPercent: 2), .lowerIsBetter)
        #expect(tightened.map(\.target) == [300, Decimal(string: "284.2")!, Decimal(string: "279.3")!])
        #expect(tightened.map(\.met) == [true, false, false])
    }

    @Test func correctingAnEarlierPeriodRecomputesEveryLaterTarget() {
        let before = Self.evaluate([82, 85, 86], .outperform(baseline: 80, stepPercent: nil), .higherIsBetter)
        #expect(before.map(\.met) == [true, true, true])
        let corrected = Self.evaluate([90, 85, 86], .outperform(baseline: 80, stepPercent: nil), .higherIsBetter)
        #expect(corrected.map(\.target) == [80, 90, 90])
        #expect(corrected.map(\.met) == [true, false, false])
    }

    @Test func aFixedTargetStaysAndAttainmentFollowsTheDirection() {
        #expect(Self.evaluate([79, 80, 81], .fixed(80), .higherIsBetter).map(\.met) == [false, false, true])
        #expect(KPITargets.attainment(value: 90, target: 80, direction: .higherIsBetter) == Decimal(string: "112.5"))
        #expect(KPITargets.attainment(value: 250, target: 200, direction: .lowerIsBetter) == 80)
        #expect(KPITargets.attainment(value: 0, target: 200, direction: .lowerIsBetter) == nil)
    }

    // MARK: Change requests

    @Test func everyChangeRequestMoveIsAllowedOrRefusedNamingTheAllowedOnes() throws {
        let allowed: [ChangeRequestStatus: [ChangeRequestAction]] = [
            .draft: [.submit], .submitted: [.review], .underReview: [.approve, .reject], .approved: [.implement],
            .rejected: [], .implemented: [],
        ]
        for status in ChangeRequestStatus.allCases {
            for action in ChangeRequestAction.allCases {
                if allowed[status]!.contains(action) {
                    #expect(try ChangeRequestLifecycle.apply(action, to: status) == action.target)
                } else {
                    #expect(throws: IllegalChangeRequestMove(from: status, action: action, allowed: allowed[status]!)) {
                        try ChangeRequestLifecycle.apply(action, to: status)
                    }
                }
            }
        }
    }

    @Test func onlyOwnersPMOAdminsAndTheSponsorDecide() {
        #expect(ChangeRequestLifecycle.mayDecide(role: .owner, memberID: nil, projectSponsor: nil))
        #expect(ChangeRequestLifecycle.mayDecide(role: .pmoAdmin, memberID: "m1", projectSponsor: "m2"))
        #expect(!ChangeRequestLifecycle.mayDecide(role: .projectManager, memberID: "m1", projectSponsor: "m2"))
        #expect(ChangeRequestLifecycle.mayDecide(role: .projectManager, memberID: "m2", projectSponsor: "m2"))
        #expect(!ChangeRequestLifecycle.mayDecide(role: .viewer, memberID: nil, projectSponsor: nil))
        #expect(ChangeRequestAction.allCases.filter(\.needsApprover) == [.approve, .reject])
    }

    // MARK: Prioritisation

    static let a = Prioritisation.Candidate(id: "A", value: 5, alignment: 4, risk: 2, costScore: 3, cost: 600)
    static let b = Prioritisation.Candidate(id: "B", value: 3, alignment: 3, risk: 3, costScore: 3, cost: 300)
    static let c = Prioritisation.Candidate(id: "C", value: 5, alignment: 5, risk: 1, costScore: 1, cost: 500)
    static let d = Prioritisation.Candidate(id: "D", value: 4, alignment: 4, risk: 3, costScore: 2, cost: 200)

    @Test func theWeightedScoreReversesRiskAndCost() {
        #expect(Prioritisation.score(Self.a, .even) == 400)   // (5 + 4 + 4 + 3) / 4
        #expect(Prioritisation.score(Self.b, .even) == 300)
        #expect(Prioritisation.score(Self.c, .even) == 500)
        #expect(Prioritisation.score(Self.d, .even) == 375)   // (4 + 4 + 3 + 4) / 4
        #expect(Prioritisation.score(Self.a, .init(value: 3, alignment: 1, risk: 1, cost: 0)) == 460)  // 23 / 5
        let thirds = Prioritisation.Candidate(id: "T", value: 5, alignment: 5, risk: 5, costScore: 1, cost: 1)
        #expect(Prioritisation.score(thirds, .init(value: 1, alignment: 1, risk: 1, cost: 0)) == 367)  // 11 / 3, half up
        #expect(!Prioritisation.Weights(value: 0, alignment: 0, risk: 0, cost: 0).isValid)
        #expect(!Prioritisation.Weights(value: -1, alignment: 2, risk: 0, cost: 0).isValid)
    }

    @Test func rankingIsByScoreThenCheaperThenID() {
        let ranked = Prioritisation.rank([Self.a, Self.b, Self.c, Self.d], .even)
        #expect(ranked.map(\.candidate.id) == ["C", "A", "D", "B"])
        #expect(ranked.map(\.rank) == [1, 2, 3, 4])
        let twin = Prioritisation.Candidate(id: "A2", value: 5, alignment: 4, risk: 2, costScore: 3, cost: 100)
        #expect(Prioritisation.rank([Self.a, twin], .even).map(\.candidate.id) == ["A2", "A"])
    }

    @Test func aScenarioSelectsInRankOrderUnderTheBudget() throws {
        let all = [Self.a, Self.b, Self.c, Self.d]
        let plain = try Prioritisation.scenario(all, .even, budget: 1000)
        #expect(plain.selected == ["C", "D", "B"] && plain.budgetUsed == 1000)
        #expect(plain.leftOut == ["A": "over budget: 500 left, needs 600"])
        let forced = try Prioritisation.scenario(all, .even, budget: 1000, forced: ["A"])
        #expect(forced.selected == ["A", "D"] && forced.budgetUsed == 800)
        let excluded = try Prioritisation.scenario(all, .even, budget: 1000, forced: ["A"], excluded: ["D"])
        #expect(excluded.selected == ["A", "B"] && excluded.leftOut["D"] == "excluded")
        #expect(throws: Prioritisation.ScenarioRefusal.forcedOverBudget(cost: 1100, budget: 1000)) {
            try Prioritisation.scenario(all, .even, budget: 1000, forced: ["A", "C"])
        }
        #expect(throws: Prioritisation.ScenarioRefusal.forcedAndExcluded(["B"])) {
            try Prioritisation.scenario(all, .even, budget: 1000, forced: ["B"], excluded: ["B"])
        }
    }
}
