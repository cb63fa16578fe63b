import Domain
import struct Foundation.UUID
import Testing

/// Velocity and burndown rules; helpers live here so they cannot clash with other test files.
enum SprintMetricsTests {
    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    static func isClose(_ actual: Double, _ expected: Double) -> Bool {
        abs(actual - expected) < 1e-9
    }

    @Suite struct VelocityRules {
        /// Four two-week sprints; completed 20, 18, 25, 13.
        let sprints = [
            SprintOutcome(sprintID: UUID(), finish: SprintMetricsTests.date("2026-01-16"), committedPoints: 22, completedPoints: 20),
            SprintOutcome(sprintID: UUID(), finish: SprintMetricsTests.date("2026-01-30"), committedPoints: 20, completedPoints: 18),
            SprintOutcome(sprintID: UUID(), finish: SprintMetricsTests.date("2026-02-13"), committedPoints: 24, completedPoints: 25),
            SprintOutcome(sprintID: UUID(), finish: SprintMetricsTests.date("2026-02-27"), committedPoints: 21, completedPoints: 13),
        ]

        /// After 1 sprint: 20; 2: (20 + 18) / 2 = 19; 3: (20 + 18 + 25) / 3 = 21;
        /// 4: only the last three, (18 + 25 + 13) / 3 = 18.67.
        @Test(arguments: [(1, 20.0), (2, 19.0), (3, 21.0), (4, 56.0 / 3.0)])
        func rollingAverageCoversAtMostTheLastThreeSprints(sprintCount: Int, expectedLatestAverage: Double) {
            let series = Velocity.series(Array(sprints.prefix(sprintCount)))
            #expect(series.count == sprintCount)
            #expect(SprintMetricsTests.isClose(series.last?.rollingAverage ?? .nan, expectedLatestAverage))
        }

        @Test func pointsFollowFinishOrderWhateverTheInputOrder() {
            let series = Velocity.series([sprints[2], sprints[0], sprints[3], sprints[1]])
            #expect(series.map(\.sprintID) == sprints.map(\.sprintID))
            #expect(series.map(\.committedPoints) == [22, 20, 24, 21])
            #expect(series.map(\.completedPoints) == [20, 18, 25, 13])
            let expected = [20.0, 19.0, 21.0, 56.0 / 3.0]
            #expect(zip(series.map(\.rollingAverage), expected).allSatisfy { SprintMetricsTests.isClose($0, $1) })
        }

        @Test func sprintsFinishingTheSameDayKeepTheirGivenOrder() {
            let day = SprintMetricsTests.date("2026-03-13")
            let first = SprintOutcome(sprintID: UUID(), finish: day, committedPoints: 5, completedPoints: 5)
            let second = SprintOutcome(sprintID: UUID(), finish: day, committedPoints: 8, completedPoints: 3)
            #expect(Velocity.series([first, second]).map(\.sprintID) == [first.sprintID, second.sprintID])
            #expect(Velocity.series([second, first]).map(\.sprintID) == [second.sprintID, first.sprintID])
        }

        @Test func noSprintsGiveNoPoints() {
            #expect(Velocity.series([]).isEmpty)
        }
    }

    @Suite struct BurndownRules {
        let start = SprintMetricsTests.date("2026-03-02")
        let finish = SprintMetricsTests.date("2026-03-11")  // ten days, nine steps of the ideal line

        /// 26 points in all: 2 done before the sprint, 5 + 3 on day 2, 8 on day 5, 3 done after the
        /// finish and 5 never done.
        var items: [BurndownItem] {
            [
                BurndownItem(points: 2, completedOn: SprintMetricsTests.date("2026-02-27")),
                BurndownItem(points: 5, completedOn: SprintMetricsTests.date("2026-03-03")),
                BurndownItem(points: 3, completedOn: SprintMetricsTests.date("2026-03-03")),
                BurndownItem(points: 8, completedOn: SprintMetricsTests.date("2026-03-06")),
                BurndownItem(points: 3, completedOn: SprintMetricsTests.date("2026-03-20")),
                BurndownItem(points: 5, completedOn: nil),
            ]
        }

        @Test func midSprintStopsAtTheStatusDate() {
            let series = Burndown.series(items: items, start: start, finish: finish,
                                         asOf: SprintMetricsTests.date("2026-03-06"))
            #expect(series.map(\.date.description) == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"])
            #expect(series.map(\.remainingPoints) == [24, 16, 16, 16, 8])
            let ideal = (0..<5).map { 26.0 * Double(9 - $0) / 9.0 }  // 26, 23.11, 20.22, 17.33, 14.44
            #expect(zip(series.map(\.idealRemaining), ideal).allSatisfy { SprintMetricsTests.isClose($0, $1) })
        }

        @Test func finishedSprintRunsToItsFinishAndTheIdealReachesZero() {
            for asOf in [nil, SprintMetricsTests.date("2026-04-01")] {
                let series = Burndown.series(items: items, start: start, finish: finish, asOf: asOf)
                #expect(series.count == 10)
                #expect(series.last?.date == finish)
                #expect(series.last?.remainingPoints == 8)  // the 3 done after the finish and the 5 never done
                #expect(series.first?.idealRemaining == 26)
                #expect(series.last?.idealRemaining == 0)
            }
        }

        @Test func sprintWhereNothingIsDoneStaysAtTheTotal() {
            let untouched = [BurndownItem(points: 8, completedOn: nil), BurndownItem(points: 5, completedOn: nil)]
            let series = Burndown.series(items: untouched, start: start, finish: finish, asOf: nil)
            #expect(series.count == 10)
            #expect(series.allSatisfy { $0.remainingPoints == 13 })
        }

        @Test func notStartedOrBackwardsSprintHasNoPoints() {
            #expect(Burndown.series(items: items, start: start, finish: finish,
                                    asOf: SprintMetricsTests.date("2026-03-01")).isEmpty)
            #expect(Burndown.series(items: items, start: finish, finish: start, asOf: nil).isEmpty)
        }

        @Test func oneDaySprintIdealIsZeroOnItsOnlyDay() {
            let series = Burndown.series(items: [BurndownItem(points: 3, completedOn: nil)],
                                         start: start, finish: start, asOf: nil)
            #expect(series == [BurndownPoint(date: start, remainingPoints: 3, idealRemaining: 0)])
        }

        @Test func emptySprintIsFlatAtZero() {
            let series = Burndown.series(items: [], start: start, finish: finish, asOf: nil)
            #expect(series.count == 10)
            #expect(series.allSatisfy { $0.remainingPoints == 0 && $0.idealRemaining == 0 })
        }
    }
}
