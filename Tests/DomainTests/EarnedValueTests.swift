import Domain
import Testing

/// Earned value rules. Amounts are cents; helpers live here so they cannot clash with other test files.
enum EarnedValueTests {
    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    static func isClose(_ actual: Double?, _ expected: Double) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) < 1e-9
    }

    /// BAC 100,000.00 over four items, status date Wednesday 2026-03-18.
    static let design = EarnedValueItem(budgetedCost: 2_000_000, plannedStart: date("2026-03-02"),
                                        plannedFinish: date("2026-03-11"), percentComplete: 100)  // 10 days
    static let build = EarnedValueItem(budgetedCost: 3_000_000, plannedStart: date("2026-03-09"),
                                       plannedFinish: date("2026-03-28"), percentComplete: 50)  // 20 days
    static let test = EarnedValueItem(budgetedCost: 4_000_000, plannedStart: date("2026-03-16"),
                                      plannedFinish: date("2026-04-24"), percentComplete: 5)  // 40 days
    static let rollout = EarnedValueItem(budgetedCost: 1_000_000, plannedStart: date("2026-04-01"),
                                         plannedFinish: date("2026-04-10"), percentComplete: 0)
    static let items = [design, build, test, rollout]
    static let actuals = [
        CostActual(date: date("2026-03-05"), amount: 1_200_000),
        CostActual(date: date("2026-03-12"), amount: 1_300_000),
        CostActual(date: date("2026-03-18"), amount: 1_500_000),
        CostActual(date: date("2026-03-19"), amount: 999_999),  // after the status date: not in AC
    ]
    static let asOf = date("2026-03-18")

    @Suite struct Figures {
        /// Worked by hand, as of 2026-03-18:
        ///   PV  = design 2,000,000 (all 10 days) + build 3,000,000 × 10/20 = 1,500,000
        ///         + test 4,000,000 × 3/40 = 300,000 + rollout 0                       = 3,800,000
        ///   EV  = 2,000,000 × 100% + 3,000,000 × 50% + 4,000,000 × 5% + 0             = 3,700,000
        ///   AC  = 1,200,000 + 1,300,000 + 1,500,000                                   = 4,000,000
        ///   SV  = EV − PV = −100,000          CV  = EV − AC = −300,000
        ///   SPI = 3.7 / 3.8 = 0.973684…       CPI = 3.7 / 4.0 = 0.925
        ///   EAC = BAC / CPI = 10,000,000 × 4,000,000 / 3,700,000 = 10,810,810.81… → 10,810,811
        ///   ETC = EAC − AC = 6,810,811        VAC = BAC − EAC = −810,811
        ///   TCPI = (BAC − EV) / (BAC − AC) = 6,300,000 / 6,000,000 = 1.05
        @Test func workedExampleMatchesHandCalculation() {
            let figures = EarnedValue.figures(items: EarnedValueTests.items, actuals: EarnedValueTests.actuals,
                                              asOf: EarnedValueTests.asOf)
            #expect(figures.asOf == EarnedValueTests.asOf)
            #expect(figures.bac == 10_000_000)
            #expect(figures.pv == 3_800_000)
            #expect(figures.ev == 3_700_000)
            #expect(figures.ac == 4_000_000)
            #expect(figures.sv == -100_000)
            #expect(figures.cv == -300_000)
            #expect(EarnedValueTests.isClose(figures.spi, 37.0 / 38.0))
            #expect(EarnedValueTests.isClose(figures.cpi, 0.925))
            #expect(figures.eac == 10_810_811)
            #expect(figures.etc == 6_810_811)
            #expect(figures.vac == -810_811)
            #expect(EarnedValueTests.isClose(figures.tcpi, 1.05))
        }

        @Test func beforeAnyStartNothingIsPlannedAndRatiosAreNil() {
            let figures = EarnedValue.figures(items: EarnedValueTests.items, actuals: EarnedValueTests.actuals,
                                              asOf: EarnedValueTests.date("2026-03-01"))
            #expect(figures.pv == 0)
            #expect(figures.ac == 0)
            #expect(figures.spi == nil)  // PV 0
            #expect(figures.cpi == nil)  // AC 0
            #expect(figures.eac == nil)
            #expect(figures.etc == nil)
            #expect(figures.vac == nil)
            #expect(EarnedValueTests.isClose(figures.tcpi, 6_300_000.0 / 10_000_000.0))
        }

        @Test func costWithoutEarnedValueHasZeroCPIAndNoEstimate() {
            let item = EarnedValueItem(budgetedCost: 1_000, plannedStart: EarnedValueTests.date("2026-01-01"),
                                       plannedFinish: EarnedValueTests.date("2026-01-10"), percentComplete: 0)
            let figures = EarnedValue.figures(items: [item],
                                              actuals: [CostActual(date: EarnedValueTests.date("2026-01-02"), amount: 300)],
                                              asOf: EarnedValueTests.date("2026-01-05"))
            #expect(figures.cpi == 0)
            #expect(figures.spi == 0)
            #expect(figures.eac == nil)
            #expect(figures.etc == nil)
            #expect(figures.vac == nil)
        }

        @Test func budgetExactlySpentLeavesTCPIUndefined() {
            let item = EarnedValueItem(budgetedCost: 5_000, plannedStart: nil, plannedFinish: nil, percentComplete: 80)
            let figures = EarnedValue.figures(items: [item],
                                              actuals: [CostActual(date: EarnedValueTests.date("2026-01-02"), amount: 5_000)],
                                              asOf: EarnedValueTests.date("2026-01-31"))
            #expect(figures.tcpi == nil)
            #expect(EarnedValueTests.isClose(figures.cpi, 0.8))
            #expect(figures.eac == 6_250)  // 5,000 × 5,000 / 4,000
        }

        /// BAC 100 with EV 8 and AC 5 makes EAC exactly 62.5 (where floating point would see 100 / 1.6).
        @Test(arguments: [(Int64(5), Int64(63)), (-5, -63), (3, 38), (7, 88)])
        func estimateAtCompletionRoundsHalfAwayFromZero(actualCost: Int64, expectedEAC: Int64) {
            // AC 3 → 37.5 → 38; AC 7 → 87.5 → 88; a net refund of 5 → −62.5 → −63.
            let item = EarnedValueItem(budgetedCost: 100, plannedStart: nil, plannedFinish: nil, percentComplete: 8)
            let figures = EarnedValue.figures(items: [item],
                                              actuals: [CostActual(date: EarnedValueTests.date("2026-01-01"), amount: actualCost)],
                                              asOf: EarnedValueTests.date("2026-01-01"))
            #expect(figures.eac == expectedEAC)
            #expect(figures.etc == expectedEAC - actualCost)
            #expect(figures.vac == 100 - expectedEAC)
        }

        @Test func estimateBelowHalfRoundsDown() {
            // BAC 1,000, EV 300, AC 100: 1,000 × 100 / 300 = 333.33… → 333.
            let item = EarnedValueItem(budgetedCost: 1_000, plannedStart: nil, plannedFinish: nil, percentComplete: 30)
            let figures = EarnedValue.figures(items: [item],
                                              actuals: [CostActual(date: EarnedValueTests.date("2026-01-01"), amount: 100)],
                                              asOf: EarnedValueTests.date("2026-01-01"))
            #expect(figures.eac == 333)
        }

        @Test func itemWithoutDatesCountsInBudgetAndEarnedValueButNotPlannedValue() {
            let undated = EarnedValueItem(budgetedCost: 9_999, plannedStart: nil, plannedFinish: nil, percentComplete: 50)
            let figures = EarnedValue.figures(items: [undated], actuals: [], asOf: EarnedValueTests.date("2026-06-30"))
            #expect(figures.bac == 9_999)
            #expect(figures.ev == 4_999)  // truncated: value is not claimed before it is earned
            #expect(figures.pv == 0)
            #expect(figures.spi == nil)
        }

        @Test func oneDayItemIsAllPlannedOnItsDay() {
            let milestone = EarnedValueItem(budgetedCost: 700, plannedStart: EarnedValueTests.date("2026-05-04"),
                                            plannedFinish: EarnedValueTests.date("2026-05-04"), percentComplete: 0)
            let before = EarnedValue.figures(items: [milestone], actuals: [], asOf: EarnedValueTests.date("2026-05-03"))
            let on = EarnedValue.figures(items: [milestone], actuals: [], asOf: EarnedValueTests.date("2026-05-04"))
            #expect(before.pv == 0)
            #expect(on.pv == 700)
            // A single planned date is read as a one-day item on that date.
            let startOnly = EarnedValueItem(budgetedCost: 700, plannedStart: EarnedValueTests.date("2026-05-04"),
                                            plannedFinish: nil, percentComplete: 0)
            #expect(EarnedValue.figures(items: [startOnly], actuals: [], asOf: EarnedValueTests.date("2026-05-04")).pv == 700)
        }

        @Test func plannedValueSpreadsInWholeCentsAndEndsOnTheBudget() {
            let item = EarnedValueItem(budgetedCost: 100, plannedStart: EarnedValueTests.date("2026-02-27"),
                                       plannedFinish: EarnedValueTests.date("2026-03-01"), percentComplete: 0)
            let pvs = ["2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"].map {
                EarnedValue.figures(items: [item], actuals: [], asOf: EarnedValueTests.date($0)).pv
            }
            #expect(pvs == [0, 33, 66, 100, 100])
        }

        @Test func percentCompleteOutsideRangeIsClamped() {
            let items = [
                EarnedValueItem(budgetedCost: 1_000, plannedStart: nil, plannedFinish: nil, percentComplete: 150),
                EarnedValueItem(budgetedCost: 1_000, plannedStart: nil, plannedFinish: nil, percentComplete: -20),
            ]
            #expect(EarnedValue.figures(items: items, actuals: [], asOf: EarnedValueTests.date("2026-01-01")).ev == 1_000)
        }

        @Test func extremeAmountsNeitherTrapNorOverflow() {
            let huge = EarnedValueItem(budgetedCost: .max, plannedStart: EarnedValueTests.date("0001-01-01"),
                                       plannedFinish: EarnedValueTests.date("9999-12-31"), percentComplete: 100)
            let figures = EarnedValue.figures(items: [huge, huge], actuals: [], asOf: EarnedValueTests.date("5000-01-01"))
            #expect(figures.bac == .max)  // pinned rather than wrapped
            #expect(figures.pv > 0)
            #expect(figures.eac == nil)
        }
    }

    @Suite struct WeeklySeries {
        /// Earliest start Monday 2026-03-02, status date Wednesday 2026-03-18: weeks ending 8, 15, 22 March.
        ///   08 Mar: PV design 7/10 = 1,400,000;                                   AC 1,200,000
        ///   15 Mar: PV design 2,000,000 + build 7/20 × 3,000,000 = 1,050,000;      AC 2,500,000
        ///   22 Mar: counted to the status date, so it equals the figures: 3,800,000; AC 4,000,000
        @Test func pointsAreCumulativeSundaysEndingInTheStatusWeek() {
            let series = EarnedValue.weeklySeries(items: EarnedValueTests.items, actuals: EarnedValueTests.actuals,
                                                  asOf: EarnedValueTests.asOf)
            #expect(series == [
                EarnedValuePoint(weekEnding: EarnedValueTests.date("2026-03-08"), pv: 1_400_000, ev: 3_700_000, ac: 1_200_000),
                EarnedValuePoint(weekEnding: EarnedValueTests.date("2026-03-15"), pv: 3_050_000, ev: 3_700_000, ac: 2_500_000),
                EarnedValuePoint(weekEnding: EarnedValueTests.date("2026-03-22"), pv: 3_800_000, ev: 3_700_000, ac: 4_000_000),
            ])
            let figures = EarnedValue.figures(items: EarnedValueTests.items, actuals: EarnedValueTests.actuals,
                                              asOf: EarnedValueTests.asOf)
            #expect(series.last.map { ($0.pv, $0.ev, $0.ac) } ?? (0, 0, 0) == (figures.pv, figures.ev, figures.ac))
        }

        @Test func everyPointIsASundayAWeekApartAndNeverDecreases() {
            // 1970-01-04 was a Sunday; an actual before the epoch checks the weekday arithmetic there too.
            let actuals = EarnedValueTests.actuals + [CostActual(date: EarnedValueTests.date("1969-12-31"), amount: 1)]
            let series = EarnedValue.weeklySeries(items: EarnedValueTests.items, actuals: actuals,
                                                  asOf: EarnedValueTests.date("2026-04-30"))
            let sunday = EarnedValueTests.date("1970-01-04").daysSinceEpoch
            #expect(series.first?.weekEnding == EarnedValueTests.date("2016-05-22"))  // 2026-05-03 − 519 weeks
            #expect(series.count == EarnedValue.maximumWeeklyPoints)
            #expect(series.last?.weekEnding == EarnedValueTests.date("2026-05-03"))
            #expect(series.allSatisfy { ($0.weekEnding.daysSinceEpoch - sunday) % 7 == 0 })
            for (earlier, later) in zip(series, series.dropFirst()) {
                #expect(later.weekEnding == earlier.weekEnding.adding(days: 7))
                #expect(later.pv >= earlier.pv)
                #expect(later.ac >= earlier.ac)
            }
            #expect(series.first?.ac == 1)  // the pre-epoch actual is still in the cumulative total
            #expect(series.last?.pv == 10_000_000)
        }

        @Test func seriesFromBeforeTheEpochStartsOnItsSunday() {
            let item = EarnedValueItem(budgetedCost: 10, plannedStart: EarnedValueTests.date("1969-12-31"),
                                       plannedFinish: EarnedValueTests.date("1970-01-09"), percentComplete: 40)
            let series = EarnedValue.weeklySeries(items: [item], actuals: [], asOf: EarnedValueTests.date("1970-01-05"))
            #expect(series == [
                EarnedValuePoint(weekEnding: EarnedValueTests.date("1970-01-04"), pv: 5, ev: 4, ac: 0),  // 5 of 10 days
                EarnedValuePoint(weekEnding: EarnedValueTests.date("1970-01-11"), pv: 6, ev: 4, ac: 0),  // to 5 Jan
            ])
        }

        @Test func withoutDatesTheSeriesIsTheStatusWeek() {
            let undated = EarnedValueItem(budgetedCost: 500, plannedStart: nil, plannedFinish: nil, percentComplete: 20)
            let series = EarnedValue.weeklySeries(items: [undated], actuals: [], asOf: EarnedValueTests.date("2026-03-22"))
            #expect(series == [EarnedValuePoint(weekEnding: EarnedValueTests.date("2026-03-22"), pv: 0, ev: 100, ac: 0)])
        }

        @Test func workPlannedOnlyAfterTheStatusDateStillGivesTheStatusWeek() {
            let series = EarnedValue.weeklySeries(items: EarnedValueTests.items, actuals: [],
                                                  asOf: EarnedValueTests.date("2026-01-14"))
            #expect(series == [EarnedValuePoint(weekEnding: EarnedValueTests.date("2026-01-18"), pv: 0, ev: 3_700_000, ac: 0)])
        }
    }
}
