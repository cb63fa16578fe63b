import Domain
import struct Foundation.UUID
import Testing

/// Periods, compliance, earn-back and service credits (docs/DOMAIN.md §5); each figure is worked
/// out by hand in the comment beside it.
enum GovernanceRulesTests {
    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }
    static func month(_ key: String) -> MeasurementPeriod { MeasurementPeriod(key: key, kind: .monthly)! }

    static func breach(_ period: MeasurementPeriod, basisPoints: Int, status: BreachStatus = .open,
                       earnBack: EarnBack = .notOffered) -> CreditableBreach {
        CreditableBreach(breachID: UUID(), obligationID: UUID(), period: period, creditBasisPoints: basisPoints,
                         status: status, earnBack: earnBack)
    }

    @Suite struct Periods {
        @Test func keysParseAndPrintPerKind() throws {
            let day = try #require(MeasurementPeriod(key: "2026-03-14", kind: .daily))
            #expect(day.start == date("2026-03-14") && day.end == date("2026-03-14") && day.description == "2026-03-14")
            // ISO week 11 of 2026: Monday 9 March to Sunday 15 March.
            let week = try #require(MeasurementPeriod(key: "2026-W11", kind: .weekly))
            #expect(week.start == date("2026-03-09") && week.end == date("2026-03-15") && week.description == "2026-W11")
            let february = try #require(MeasurementPeriod(key: "2028-02", kind: .monthly))
            #expect(february.end == date("2028-02-29") && february.next.description == "2028-03")
            // A key of another kind, or an impossible one, is no period.
            for (key, kind) in [("2026-03", PeriodKind.daily), ("2026-03-14", .monthly), ("2026-13", .monthly),
                                ("2026-W54", .weekly), ("2026-3", .monthly), ("+026-03", .monthly), ("2026-02-30", .daily)] {
                #expect(MeasurementPeriod(key: key, kind: kind) == nil, "\(key) as \(kind)")
            }
        }

        @Test func containingAndCreditMonth() {
            // Wednesday 1 April 2026 is in ISO week 14 (Monday 30 March – Sunday 5 April), which ends in April.
            let week = MeasurementPeriod.containing(date("2026-04-01"), kind: .weekly)
            #expect(week.description == "2026-W14" && week.start == date("2026-03-30"))
            #expect(week.creditMonth.description == "2026-04")
            #expect(MeasurementPeriod.containing(date("2026-04-30"), kind: .monthly).description == "2026-04")
            #expect(YearMonth("2026-11")!.months(to: YearMonth("2027-02")!) == 3)
        }
    }

    @Suite struct Compliance {
        @Test func comparatorsIncludeTheThreshold() {
            #expect(ThresholdComparator.atLeast.isMet(80, threshold: 80) && !ThresholdComparator.atLeast.isMet(79.9, threshold: 80))
            #expect(ThresholdComparator.atMost.isMet(5, threshold: 5) && !ThresholdComparator.atMost.isMet(5.01, threshold: 5))
        }

        /// Threshold 80 until February, 85 from March: 82 meets in February and breaches in March.
        @Test func termsApplyFromTheirPeriodOn() throws {
            let history = TermsHistory([
                ObligationTerms(effectiveFrom: date("2026-03-01"), comparator: .atLeast, threshold: 85,
                                creditBasisPoints: 500, earnBackPeriods: nil),
                ObligationTerms(effectiveFrom: .beginning, comparator: .atLeast, threshold: 80, creditBasisPoints: 500,
                                earnBackPeriods: nil),
            ])
            #expect(try #require(history.terms(for: month("2026-02"))).isMet(82))
            #expect(try !#require(history.terms(for: month("2026-03"))).isMet(82))
            #expect(history.current?.threshold == 85)
        }

        @Test func deliverablesBreachWhenLateOrNotDelivered() {
            let due = date("2026-03-31")
            #expect(DeliverableCompliance.isBreached(due: due, deliveredOn: date("2026-03-31"), today: date("2026-05-01")) == false)
            #expect(DeliverableCompliance.isBreached(due: due, deliveredOn: date("2026-04-01"), today: date("2026-04-01")) == true)
            #expect(DeliverableCompliance.isBreached(due: due, deliveredOn: nil, today: date("2026-03-31")) == nil)
            #expect(DeliverableCompliance.isBreached(due: due, deliveredOn: nil, today: date("2026-04-01")) == true)
        }

        @Test func percentagesBecomeBasisPoints() {
            #expect(BasisPoints.from(percent: 2.5) == 250 && BasisPoints.from(percent: 0.01) == 1)
            #expect(BasisPoints.from(percent: 100) == 10_000 && BasisPoints.from(percent: 0) == 0)
            #expect(BasisPoints.from(percent: 0.005) == nil && BasisPoints.from(percent: 100.01) == nil)
            #expect(BasisPoints.from(percent: -1) == nil && BasisPoints.from(percent: .nan) == nil)
        }
    }

    @Suite struct EarnBackRules {
        @Test func earnedOnlyWhenEveryFollowingPeriodIsMet() {
            #expect(EarnBack.state(periods: nil, following: [true, true]) == .notOffered)
            #expect(EarnBack.state(periods: 2, following: [true, true, false]) == .earned)
            #expect(EarnBack.state(periods: 2, following: [true]) == .pending)
            #expect(EarnBack.state(periods: 2, following: [nil, true]) == .pending)
            #expect(EarnBack.state(periods: 2, following: [true, false]) == .forfeited)
            #expect(EarnBack.state(periods: 3, following: [nil, false]) == .forfeited)
        }
    }

    @Suite struct ServiceCreditRules {
        /// Fee 100,000.00 (10,000,000 minor units), cap 12 %: 5 % → 500,000; 2.5 % → 250,000;
        /// subtotal 750,000 under the cap of 1,200,000.
        @Test func linesAddUpUnderTheCap() {
            let statement = CreditStatement.compute(monthlyFee: 10_000_000, capBasisPoints: 1_200, breaches: [
                breach(month("2026-03"), basisPoints: 500), breach(month("2026-03"), basisPoints: 250),
            ])
            #expect(statement.lines.map(\.amount).sorted() == [250_000, 500_000])
            #expect(statement.subtotal == 750_000 && statement.cap == 1_200_000 && statement.total == 750_000)
            #expect(!statement.isCapped)
        }

        /// Fee 1,000,000, cap 10 % = 100,000; three 5 % breaches = 150,000 → total 100,000.
        @Test func theCapLimitsTheTotal() {
            let breaches = (1...3).map { breach(MeasurementPeriod(key: "2026-03-0\($0)", kind: .daily)!, basisPoints: 500) }
            let statement = CreditStatement.compute(monthlyFee: 1_000_000, capBasisPoints: 1_000, breaches: breaches)
            #expect(statement.subtotal == 150_000 && statement.cap == 100_000 && statement.total == 100_000)
            #expect(statement.isCapped)
            #expect(statement.lines.map(\.breach.period.description) == ["2026-03-01", "2026-03-02", "2026-03-03"])
        }

        /// Lines round half up: 333,333 × 2.5 % = 8,333.325 → 8,333; 100,030 × 2.5 % = 2,500.75 → 2,501;
        /// 20 × 2.5 % = 0.5 → 1. The cap rounds down: 999,999 × 12.5 % = 124,999.875 → 124,999.
        @Test func roundingIsStatedAndExact() {
            let amounts = [(Int64(333_333), 8_333), (100_030, 2_501), (20, 1)].map { fee, expected in
                (CreditStatement.compute(monthlyFee: fee, capBasisPoints: 10_000,
                                         breaches: [breach(month("2026-03"), basisPoints: 250)]).total, Int64(expected))
            }
            for (actual, expected) in amounts { #expect(actual == expected) }
            #expect(CreditStatement.compute(monthlyFee: 999_999, capBasisPoints: 1_250, breaches: []).cap == 124_999)
        }

        /// Fee 2,000,000, cap 15 %: a 5 % breach earned back adds 0 (gross 100,000 shown), a waived one 0,
        /// a pending one 100,000 and a forfeited one 100,000 → total 200,000.
        @Test func waivedAndEarnedBackBreachesAddNothing() {
            let statement = CreditStatement.compute(monthlyFee: 2_000_000, capBasisPoints: 1_500, breaches: [
                breach(month("2026-01"), basisPoints: 500, earnBack: .earned),
                breach(month("2026-02"), basisPoints: 500, status: .waived),
                breach(month("2026-03"), basisPoints: 500, earnBack: .pending),
                breach(month("2026-04"), basisPoints: 500, status: .credited, earnBack: .forfeited),
            ])
            #expect(statement.lines.map(\.grossAmount) == [100_000, 100_000, 100_000, 100_000])
            #expect(statement.lines.map(\.amount) == [0, 0, 100_000, 100_000])
            #expect(statement.total == 200_000)
        }

        @Test func breachStatusesMoveOnlyForward() {
            #expect(BreachStatus.open.allowedNext == [.waived, .credited])
            #expect(BreachStatus.waived.allowedNext == [.open])
            #expect(BreachStatus.credited.allowedNext.isEmpty)
        }
    }
}

extension GovernanceRulesTests {
    @Suite struct MeasurementDecisions {
        let terms = ObligationTerms(effectiveFrom: .beginning, comparator: .atLeast, threshold: 80, creditBasisPoints: 500,
                                    earnBackPeriods: nil)

        @Test func aBreachOpensOnceAndTheSameValueChangesNothing() throws {
            #expect(try MeasurementEvaluation.decide(value: 75, terms: terms, previous: nil, breach: nil)
                    == MeasurementDecision(met: false, changed: true, breach: .open))
            #expect(try MeasurementEvaluation.decide(value: 75, terms: terms, previous: 75, breach: .open)
                    == MeasurementDecision(met: false, changed: false, breach: .none))
            #expect(try MeasurementEvaluation.decide(value: 70, terms: terms, previous: 75, breach: .open).breach == .restate)
            #expect(try MeasurementEvaluation.decide(value: 81, terms: terms, previous: nil, breach: nil).breach == .none)
        }

        @Test func aCorrectionThatMeetsWithdrawsTheBreachUnlessCredited() throws {
            #expect(try MeasurementEvaluation.decide(value: 85, terms: terms, previous: 75, breach: .open).breach == .withdraw)
            #expect(try MeasurementEvaluation.decide(value: 85, terms: terms, previous: 75, breach: .waived).breach == .withdraw)
            #expect(throws: CreditedBreachCorrection.self) {
                try MeasurementEvaluation.decide(value: 85, terms: terms, previous: 75, breach: .credited)
            }
        }

        @Test func deliverablesAreJudgedForToday() throws {
            let due = date("2026-03-31")
            #expect(try MeasurementEvaluation.decideDeliverable(due: due, deliveredOn: nil, today: date("2026-03-31"), breach: nil) == .none)
            #expect(try MeasurementEvaluation.decideDeliverable(due: due, deliveredOn: nil, today: date("2026-04-01"), breach: nil) == .open)
            // Delivered late after the breach opened: the breach stays (restated with the delivery date).
            #expect(try MeasurementEvaluation.decideDeliverable(due: due, deliveredOn: date("2026-04-03"), today: date("2026-04-05"),
                                                                breach: .open) == .restate)
            // The delivery date corrected to the due date: no breach after all.
            #expect(try MeasurementEvaluation.decideDeliverable(due: due, deliveredOn: due, today: date("2026-04-05"),
                                                                breach: .open) == .withdraw)
        }
    }
}

extension GovernanceRulesTests {
    @Suite struct ComplianceShares {
        /// 2 of 3 met: 66.666… → 66.67; 1 of 8: 12.5; none judged: no share.
        @Test func sharesHaveTwoDecimals() {
            var tally = ComplianceTally()
            for met in [true, false, true] { tally.add(met: met) }
            #expect(tally.evaluated == 3 && tally.met == 2 && tally.sharePercent == 66.67)
            var eighth = ComplianceTally()
            for index in 0..<8 { eighth.add(met: index == 0) }
            #expect(eighth.sharePercent == 12.5)
            #expect(ComplianceTally().sharePercent == nil)
        }
    }
}

extension GovernanceRulesTests {
    @Suite struct Actions {
        @Test func overdueMeansStillOpenAfterTheDueDate() {
            let due = date("2026-05-29")
            #expect(ActionStatus.open.isOverdue(due: due, today: date("2026-05-30")))
            #expect(ActionStatus.inProgress.isOverdue(due: due, today: date("2026-06-01")))
            #expect(!ActionStatus.open.isOverdue(due: due, today: due))
            #expect(!ActionStatus.done.isOverdue(due: due, today: date("2026-06-01")))
            #expect(!ActionStatus.cancelled.isOverdue(due: due, today: date("2026-06-01")))
        }
    }
}
