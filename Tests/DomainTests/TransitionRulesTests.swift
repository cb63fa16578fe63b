import Domain
import struct Foundation.UUID
import Testing

/// The transition template and the readiness gate rule (docs/DOMAIN.md §6).
@Suite struct TransitionRulesTests {
    func criterion(_ title: String, mandatory: Bool, signed: Bool) -> CriterionState {
        CriterionState(id: UUID(), title: title, mandatory: mandatory, signedOff: signed)
    }

    @Test func theTemplateDatesSevenStagesAroundGoLive() {
        let stages = TransitionTemplate.stages(goLive: CalendarDate("2026-10-01")!)
        #expect(stages.map(\.key) == TransitionStageKey.allCases)
        // Due diligence starts 150 days before go-live (4 May); cutover ends on go-live; hypercare runs 60 days.
        #expect(stages.first?.plannedStart == CalendarDate("2026-05-04"))
        #expect(stages[4].plannedEnd == CalendarDate("2026-10-01"))
        #expect(stages[5].plannedStart == CalendarDate("2026-10-02") && stages[5].plannedEnd == CalendarDate("2026-11-30"))
        #expect(stages.allSatisfy { $0.criteria.contains { $0.mandatory } })
        // Stages follow each other without gaps or overlaps.
        for (before, after) in zip(stages, stages.dropFirst()) { #expect(before.plannedEnd.adding(days: 1) == after.plannedStart) }
    }

    @Test func goNeedsEveryMandatoryCriterionSignedOff() throws {
        let signed = criterion("Rehearsal passed", mandatory: true, signed: true)
        let unsigned = criterion("Rollback plan approved", mandatory: true, signed: false)
        let optional = criterion("Communication sent", mandatory: false, signed: false)
        #expect(throws: GateRefusal(unmetCriteria: [unsigned], openEarlierStages: [])) {
            try ReadinessGate.check(.go, criteria: [signed, unsigned, optional], earlierStagesWithoutGo: [])
        }
        try ReadinessGate.check(.noGo, criteria: [unsigned], earlierStagesWithoutGo: ["shadow"])
        try ReadinessGate.check(.go, criteria: [signed, optional], earlierStagesWithoutGo: [])
        #expect(throws: GateRefusal(unmetCriteria: [], openEarlierStages: ["shadow"])) {
            try ReadinessGate.check(.go, criteria: [signed], earlierStagesWithoutGo: ["shadow"])
        }
    }

    /// 2 of 3 signed: 66.67 %; none: no figure.
    @Test func readinessCountsSignedOffCriteria() {
        #expect(ReadinessGate.readinessPercent([criterion("a", mandatory: true, signed: true),
                                                criterion("b", mandatory: false, signed: true),
                                                criterion("c", mandatory: true, signed: false)]) == 66.67)
        #expect(ReadinessGate.readinessPercent([]) == nil)
    }
}

extension TransitionRulesTests {
    static func week(_ key: String) -> MeasurementPeriod { MeasurementPeriod(key: key, kind: .weekly)! }

    /// Runs end with the last period that is over: a miss, a missing period or a stopped feed ends them.
    @Test func hypercareRunsCountBackFromTheLastCompletedPeriod() {
        let w = Self.week
        let history = [(w("2026-W46"), false), (w("2026-W47"), true), (w("2026-W48"), true)]
        #expect(HypercareStability.consecutiveMet(history, through: w("2026-W48")) == 2)
        // The feed stopped: by week 50 the run is broken.
        #expect(HypercareStability.consecutiveMet(history, through: w("2026-W50")) == 0)
        #expect(HypercareStability.consecutiveMet([(w("2026-W47"), true), (w("2026-W49"), true)], through: w("2026-W49")) == 1)
        #expect(HypercareStability.consecutiveMet([(w("2026-W48"), true), (w("2026-W49"), false)], through: w("2026-W49")) == 0)
        #expect(HypercareStability.consecutiveMet([], through: w("2026-W49")) == 0)
        // Across a year end: 2026-W53 exists and precedes 2027-W01.
        #expect(HypercareStability.consecutiveMet([(w("2026-W53"), true), (w("2027-W01"), true)], through: w("2027-W01")) == 2)
        // On Wednesday 16 December 2026 the last week over is W50 and the last day over the 15th.
        let wednesday = CalendarDate("2026-12-16")!
        #expect(HypercareStability.lastCompleted(.weekly, today: wednesday).description == "2026-W50")
        #expect(HypercareStability.lastCompleted(.daily, today: wednesday).description == "2026-12-15")
    }

    @Test func steadyStateNeedsStableMetrics() {
        #expect(throws: GateRefusal(unmetCriteria: [], openEarlierStages: [], unstableMetrics: ["Backlog"])) {
            try ReadinessGate.check(.go, criteria: [], earlierStagesWithoutGo: [], unstableMetrics: ["Backlog"])
        }
    }

    /// Incident management 4 and 2 → 3.00, covered; request fulfilment 2 only → not covered; change
    /// management planned → not covered, no average.
    @Test func coverageNeedsAHeldSessionScoringThree() {
        let areas = KTCoverage.byArea([("Incident management", .held, 4), ("Incident management", .held, 2),
                                       ("Request fulfilment", .held, 2), ("Change management", .planned, nil)])
        #expect(areas.map(\.processArea) == ["Change management", "Incident management", "Request fulfilment"])
        #expect(areas.map(\.averageProficiency) == [nil, 3, 2])
        #expect(areas.map(\.covered) == [false, true, false])
        #expect(areas.map(\.planned) == [1, 0, 0] && areas.map(\.held) == [0, 2, 1])
    }
}
