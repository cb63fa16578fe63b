import Domain
import Foundation
import Testing

// Networks are written the way textbooks print them: named activities, durations in days, links to
// predecessors, and the expected dates as day numbers (day 1 = the first working day of the project,
// finish days inclusive). Most tests use a seven-day week so that day n is simply the n-th calendar day;
// the calendar tests use real weekends and holidays with dates written out.

private func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}

private let sevenDayWeek = WorkingCalendar(workingWeekdays: Set(1...7))

/// A stable id per activity name (its UTF-8 bytes), so failures are readable and tests deterministic.
private func id(_ name: String) -> UUID {
    let bytes = Array(name.utf8.prefix(16)) + Array(repeating: 0, count: max(0, 16 - name.utf8.count))
    return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                       bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
}

private func numbered(_ number: Int) -> UUID {
    var bytes = [UInt8](repeating: 0, count: 16)
    for index in 0..<8 { bytes[15 - index] = UInt8(truncatingIfNeeded: number >> (8 * index)) }
    return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                       bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
}

private struct Link {
    let predecessor: String
    let type: DependencyType
    let lag: Int
}

private func fs(_ name: String, _ lag: Int = 0) -> Link { Link(predecessor: name, type: .finishToStart, lag: lag) }
private func ss(_ name: String, _ lag: Int = 0) -> Link { Link(predecessor: name, type: .startToStart, lag: lag) }
private func ff(_ name: String, _ lag: Int = 0) -> Link { Link(predecessor: name, type: .finishToFinish, lag: lag) }
private func sf(_ name: String, _ lag: Int = 0) -> Link { Link(predecessor: name, type: .startToFinish, lag: lag) }

private struct Network {
    var items: [ScheduleItem] = []
    var dependencies: [ScheduleDependency] = []

    mutating func add(_ name: String, _ days: Int, after links: Link..., notBefore: CalendarDate? = nil) {
        items.append(ScheduleItem(id: id(name), durationDays: days, notBefore: notBefore))
        for link in links {
            dependencies.append(ScheduleDependency(predecessor: id(link.predecessor), successor: id(name),
                                                   type: link.type, lagDays: link.lag))
        }
    }

    func schedule(from start: CalendarDate, calendar: WorkingCalendar = sevenDayWeek) throws -> Schedule {
        try CriticalPath.schedule(items: items, dependencies: dependencies, projectStart: start, calendar: calendar)
    }
}

/// One line of a textbook CPM table, in day numbers.
private struct Row {
    let name: String
    let es, ef, ls, lf, tf, ff: Int
}

private func row(_ name: String, es: Int, ef: Int, ls: Int, lf: Int, tf: Int, ff: Int) -> Row {
    Row(name: name, es: es, ef: ef, ls: ls, lf: lf, tf: tf, ff: ff)
}

/// Checks every row against the schedule, with day n = the n-th working day from `dayOne`.
private func expectTable(_ schedule: Schedule, _ rows: [Row], dayOne: CalendarDate,
                         calendar: WorkingCalendar = sevenDayWeek) {
    func date(_ number: Int) -> CalendarDate { calendar.adding(workingDays: number - 1, to: dayOne) }
    #expect(schedule.items.count == rows.count)
    for row in rows {
        let expected = ScheduledItem(id: id(row.name), earlyStart: date(row.es), earlyFinish: date(row.ef),
                                     lateStart: date(row.ls), lateFinish: date(row.lf),
                                     totalFloat: row.tf, freeFloat: row.ff, isCritical: row.tf == 0)
        #expect(schedule.items.first { $0.id == expected.id } == expected, "activity \(row.name)")
    }
}

@Suite struct CriticalPathTests {
    let dayOne = day("2026-03-01")

    // MARK: Textbook finish-to-start network

    @Test func classicEightActivityNetwork() throws {
        var network = Network()
        network.add("A", 3)
        network.add("B", 4, after: fs("A"))
        network.add("C", 2, after: fs("A"))
        network.add("D", 5, after: fs("B"))
        network.add("E", 1, after: fs("C"))
        network.add("F", 2, after: fs("C"))
        network.add("G", 4, after: fs("D"), fs("E"))
        network.add("H", 3, after: fs("F"), fs("G"))
        let schedule = try network.schedule(from: dayOne)

        expectTable(schedule, [
            row("A", es: 1, ef: 3, ls: 1, lf: 3, tf: 0, ff: 0),
            row("B", es: 4, ef: 7, ls: 4, lf: 7, tf: 0, ff: 0),
            // C has 6 days of total float but no free float: any slip delays E and F.
            row("C", es: 4, ef: 5, ls: 10, lf: 11, tf: 6, ff: 0),
            row("D", es: 8, ef: 12, ls: 8, lf: 12, tf: 0, ff: 0),
            row("E", es: 6, ef: 6, ls: 12, lf: 12, tf: 6, ff: 6),
            row("F", es: 6, ef: 7, ls: 15, lf: 16, tf: 9, ff: 9),
            row("G", es: 13, ef: 16, ls: 13, lf: 16, tf: 0, ff: 0),
            row("H", es: 17, ef: 19, ls: 17, lf: 19, tf: 0, ff: 0),
        ], dayOne: dayOne)
        #expect(schedule.criticalItems == ["A", "B", "D", "G", "H"].map(id))
        #expect(schedule.start == day("2026-03-01"))
        #expect(schedule.finish == day("2026-03-19"))
        #expect(schedule.items.map(\.id) == network.items.map(\.id), "input order is kept")
    }

    @Test func freeFloatIsSharedAlongAChain() throws {
        var network = Network()
        network.add("X", 2)
        network.add("Y", 2, after: fs("X"))
        network.add("Z", 10)
        let schedule = try network.schedule(from: dayOne)

        // X and Y share the same 6 days of total float; only the last of the chain owns it as free float.
        expectTable(schedule, [
            row("X", es: 1, ef: 2, ls: 7, lf: 8, tf: 6, ff: 0),
            row("Y", es: 3, ef: 4, ls: 9, lf: 10, tf: 6, ff: 6),
            row("Z", es: 1, ef: 10, ls: 1, lf: 10, tf: 0, ff: 0),
        ], dayOne: dayOne)
        #expect(schedule.criticalItems == [id("Z")])
    }

    // MARK: Dependency types and lags

    @Test func finishToStartWithLagAndLead() throws {
        var network = Network()
        network.add("A", 5)
        network.add("B", 2, after: fs("A", 2))   // two idle days after A
        network.add("D", 2, after: fs("A", -2))  // a lead: starts two days before A finishes
        let schedule = try network.schedule(from: dayOne)

        expectTable(schedule, [
            row("A", es: 1, ef: 5, ls: 1, lf: 5, tf: 0, ff: 0),
            row("B", es: 8, ef: 9, ls: 8, lf: 9, tf: 0, ff: 0),
            row("D", es: 4, ef: 5, ls: 8, lf: 9, tf: 4, ff: 4),
        ], dayOne: dayOne)
        #expect(schedule.criticalItems == ["A", "B"].map(id))
    }

    @Test func startToStartWithLagAndLead() throws {
        var network = Network()
        network.add("A", 5)
        network.add("B", 4, after: ss("A", 2))   // starts two days after A starts
        network.add("C", 2, after: ss("B", -1))  // starts a day before B starts
        let schedule = try network.schedule(from: dayOne)

        expectTable(schedule, [
            row("A", es: 1, ef: 5, ls: 1, lf: 5, tf: 0, ff: 0),
            row("B", es: 3, ef: 6, ls: 3, lf: 6, tf: 0, ff: 0),
            row("C", es: 2, ef: 3, ls: 5, lf: 6, tf: 3, ff: 3),
        ], dayOne: dayOne)
        #expect(schedule.criticalItems == ["A", "B"].map(id))
    }

    @Test func lateFinishNeverExceedsTheProjectFinish() throws {
        // Q only needs P to have started, but P finishing later would still move the project finish.
        var network = Network()
        network.add("P", 10)
        network.add("Q", 2, after: ss("P"))
        let schedule = try network.schedule(from: dayOne)

        expectTable(schedule, [
            row("P", es: 1, ef: 10, ls: 1, lf: 10, tf: 0, ff: 0),
            row("Q", es: 1, ef: 2, ls: 9, lf: 10, tf: 8, ff: 8),
        ], dayOne: dayOne)
    }

    @Test func finishToFinishWithLagAndLead() throws {
        var network = Network()
        network.add("A", 4)
        network.add("B", 2, after: ff("A", 2))   // finishes two days after A finishes
        network.add("C", 3, after: ff("A", -1))  // finishes a day before A finishes
        network.add("D", 6, after: ff("A", -1))  // would have to start before the project: held at day 1
        let schedule = try network.schedule(from: dayOne)

        expectTable(schedule, [
            row("A", es: 1, ef: 4, ls: 1, lf: 4, tf: 0, ff: 0),
            row("B", es: 5, ef: 6, ls: 5, lf: 6, tf: 0, ff: 0),
            row("C", es: 1, ef: 3, ls: 4, lf: 6, tf: 3, ff: 3),
            row("D", es: 1, ef: 6, ls: 1, lf: 6, tf: 0, ff: 0),
        ], dayOne: dayOne)
        // A and D both start on day 1; A comes first because D depends on it.
        #expect(schedule.criticalItems == ["A", "D", "B"].map(id))
    }

    @Test func startToFinishWithLagAndLead() throws {
        var network = Network()
        network.add("X", 4)
        network.add("P", 2, after: fs("X"))
        network.add("S", 3, after: sf("P"))      // may not finish before P starts (the old system runs until then)
        network.add("T", 2, after: sf("P", 2))   // may not finish until P has run for two days
        network.add("U", 1, after: sf("P", -3))  // a lead: may finish up to three days before P starts
        let schedule = try network.schedule(from: dayOne)

        expectTable(schedule, [
            row("X", es: 1, ef: 4, ls: 1, lf: 4, tf: 0, ff: 0),
            row("P", es: 5, ef: 6, ls: 5, lf: 6, tf: 0, ff: 0),
            row("S", es: 2, ef: 4, ls: 4, lf: 6, tf: 2, ff: 2),
            row("T", es: 5, ef: 6, ls: 5, lf: 6, tf: 0, ff: 0),
            row("U", es: 1, ef: 1, ls: 6, lf: 6, tf: 5, ff: 5),
        ], dayOne: dayOne)
        #expect(schedule.criticalItems == ["X", "P", "T"].map(id))
    }

    // MARK: Milestones

    @Test func milestonesAtStartMiddleAndEnd() throws {
        var network = Network()
        network.add("Kick-off", 0)
        network.add("A", 3, after: fs("Kick-off"))
        network.add("Gate", 0, after: fs("A"))
        network.add("B", 2, after: fs("Gate"))
        network.add("Handover", 0, after: fs("B"))
        network.add("C", 1, after: fs("Gate"))
        network.add("Note", 0, after: fs("C"))
        let schedule = try network.schedule(from: dayOne)

        // A milestone is the instant at the start of its day: it is reached the working day after its
        // FS predecessor finishes, and its FS successors start on that same day.
        expectTable(schedule, [
            row("Kick-off", es: 1, ef: 1, ls: 1, lf: 1, tf: 0, ff: 0),
            row("A", es: 1, ef: 3, ls: 1, lf: 3, tf: 0, ff: 0),
            row("Gate", es: 4, ef: 4, ls: 4, lf: 4, tf: 0, ff: 0),
            row("B", es: 4, ef: 5, ls: 4, lf: 5, tf: 0, ff: 0),
            row("Handover", es: 6, ef: 6, ls: 6, lf: 6, tf: 0, ff: 0),
            row("C", es: 4, ef: 4, ls: 5, lf: 5, tf: 1, ff: 0),
            row("Note", es: 5, ef: 5, ls: 6, lf: 6, tf: 1, ff: 1),
        ], dayOne: dayOne)
        #expect(schedule.criticalItems == ["Kick-off", "A", "Gate", "B", "Handover"].map(id))
        #expect(schedule.finish == day("2026-03-06"), "the handover milestone's date")
    }

    @Test func aNegativeDurationIsAMilestone() throws {
        var network = Network()
        network.add("A", 2)
        network.add("M", -3, after: fs("A"))
        let schedule = try network.schedule(from: dayOne)
        expectTable(schedule, [
            row("A", es: 1, ef: 2, ls: 1, lf: 2, tf: 0, ff: 0),
            row("M", es: 3, ef: 3, ls: 3, lf: 3, tf: 0, ff: 0),
        ], dayOne: dayOne)
    }

    // MARK: Calendars

    @Test func aWeekendInsideATaskAndALag() throws {
        var network = Network()
        network.add("A", 3)
        network.add("B", 4, after: fs("A"))
        network.add("C", 1, after: fs("A", 1))
        let schedule = try network.schedule(from: day("2026-11-23"), calendar: .standard)  // a Monday

        let b = try #require(schedule.items.first { $0.id == id("B") })
        #expect(b.earlyStart == day("2026-11-26"))
        #expect(b.earlyFinish == day("2026-12-01"), "Thu, Fri, Mon, Tue")
        let c = try #require(schedule.items.first { $0.id == id("C") })
        #expect(c.earlyStart == day("2026-11-27"), "one working day of lag after Wednesday's finish")
        #expect(c.lateStart == day("2026-12-01"))
        #expect(c.totalFloat == 2, "Monday and Tuesday: weekends are not float")
        #expect(schedule.finish == day("2026-12-01"))
    }

    @Test func aHolidayIsSkipped() throws {
        var network = Network()
        network.add("A", 3)
        network.add("B", 4, after: fs("A"))
        let calendar = WorkingCalendar(holidays: [day("2026-11-27")])
        let schedule = try network.schedule(from: day("2026-11-23"), calendar: calendar)

        expectTable(schedule, [
            row("A", es: 1, ef: 3, ls: 1, lf: 3, tf: 0, ff: 0),
            row("B", es: 4, ef: 7, ls: 4, lf: 7, tf: 0, ff: 0),
        ], dayOne: day("2026-11-23"), calendar: calendar)
        let b = try #require(schedule.items.first { $0.id == id("B") })
        #expect(b.earlyFinish == day("2026-12-02"), "Thu, (Fri off), Mon, Tue, Wed")
    }

    @Test func aProjectStartingOnSaturdayStartsOnMonday() throws {
        var network = Network()
        network.add("A", 2)
        network.add("B", 1, notBefore: day("2026-12-06"))  // a Sunday
        let schedule = try network.schedule(from: day("2026-11-28"), calendar: .standard)

        #expect(schedule.start == day("2026-11-30"))
        let a = try #require(schedule.items.first { $0.id == id("A") })
        #expect(a.earlyStart == day("2026-11-30"))
        #expect(a.earlyFinish == day("2026-12-01"))
        let b = try #require(schedule.items.first { $0.id == id("B") })
        #expect(b.earlyStart == day("2026-12-07"))
    }

    @Test func aMilestoneAfterAFridayFinishIsDatedMonday() throws {
        var network = Network()
        network.add("Build", 5)
        network.add("Done", 0, after: fs("Build"))
        network.add("Next", 1, after: fs("Done"))
        let schedule = try network.schedule(from: day("2026-11-23"), calendar: .standard)

        let done = try #require(schedule.items.first { $0.id == id("Done") })
        #expect(done.earlyStart == day("2026-11-30"))
        #expect(done.earlyFinish == day("2026-11-30"))
        let next = try #require(schedule.items.first { $0.id == id("Next") })
        #expect(next.earlyStart == day("2026-11-30"), "starts the day the milestone is reached")
    }

    // MARK: Constraints and loose ends

    @Test func notBeforeHoldsAnItemBack() throws {
        var network = Network()
        network.add("A", 3)
        network.add("B", 2, after: fs("A"), notBefore: day("2026-03-06"))
        network.add("C", 2, notBefore: day("2026-03-02"))
        network.add("D", 1, notBefore: day("2026-02-20"))  // before the project: no effect
        let schedule = try network.schedule(from: dayOne)

        expectTable(schedule, [
            // A gains float because B waits for its date anyway.
            row("A", es: 1, ef: 3, ls: 3, lf: 5, tf: 2, ff: 2),
            row("B", es: 6, ef: 7, ls: 6, lf: 7, tf: 0, ff: 0),
            row("C", es: 2, ef: 3, ls: 6, lf: 7, tf: 4, ff: 4),
            row("D", es: 1, ef: 1, ls: 7, lf: 7, tf: 6, ff: 6),
        ], dayOne: dayOne)
        #expect(schedule.criticalItems == [id("B")])
    }

    @Test func dependenciesOnUnknownItemsAreIgnored() throws {
        var network = Network()
        network.add("A", 2, after: fs("Ghost", 5))
        network.add("B", 1, after: fs("A"))
        network.dependencies.append(ScheduleDependency(predecessor: id("B"), successor: id("Gone")))
        let schedule = try network.schedule(from: dayOne)
        expectTable(schedule, [
            row("A", es: 1, ef: 2, ls: 1, lf: 2, tf: 0, ff: 0),
            row("B", es: 3, ef: 3, ls: 3, lf: 3, tf: 0, ff: 0),
        ], dayOne: dayOne)
    }

    @Test func anEmptyPlanStartsAndFinishesOnTheFirstWorkingDay() throws {
        let schedule = try CriticalPath.schedule(items: [], dependencies: [], projectStart: day("2026-11-28"),
                                                 calendar: .standard)
        #expect(schedule == Schedule(items: [], start: day("2026-11-30"), finish: day("2026-11-30"), criticalItems: []))
    }

    @Test func aLongChainIsScheduledWithoutRecursion() throws {
        let count = 10_000
        let items = (0..<count).map { ScheduleItem(id: numbered($0), durationDays: 1) }
        let links = (1..<count).map { ScheduleDependency(predecessor: numbered($0 - 1), successor: numbered($0)) }
        let schedule = try CriticalPath.schedule(items: items, dependencies: links, projectStart: dayOne,
                                                 calendar: sevenDayWeek)
        #expect(schedule.finish == dayOne.adding(days: count - 1))
        #expect(schedule.criticalItems.count == count)
    }

    // MARK: Invariants on a random network

    /// Deterministic pseudo-random numbers (a 64-bit LCG), so a failure reproduces.
    private struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test func aRandomNetworkMeetsEveryDependencyAndEveryDateIsTight() throws {
        var random = LCG(state: 42)
        let calendar = WorkingCalendar(holidays: [day("2026-12-25"), day("2027-01-01"), day("2026-12-08")])
        let start = day("2026-11-28")
        let count = 300
        let items = (0..<count).map { number in
            ScheduleItem(id: numbered(number), durationDays: random.next(6) == 0 ? 0 : 1 + random.next(8),
                         notBefore: random.next(10) == 0 ? start.adding(days: random.next(60)) : nil)
        }
        let links = (0..<600).map { _ in
            let from = random.next(count - 1)
            let to = from + 1 + random.next(min(30, count - 1 - from))
            return ScheduleDependency(predecessor: numbered(from), successor: numbered(to),
                                      type: DependencyType.allCases[random.next(4)], lagDays: random.next(9) - 3)
        }
        let schedule = try CriticalPath.schedule(items: items, dependencies: links, projectStart: start,
                                                 calendar: calendar)

        // Back to the scheduler's instants: start of the first day, start of the day after the last.
        func index(_ date: CalendarDate) -> Int { calendar.workingDays(from: start, through: date) - 1 }
        let position = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1.id, $0) })
        let es = schedule.items.map { index($0.earlyStart) }
        let ls = schedule.items.map { index($0.lateStart) }
        let ef = (0..<count).map { es[$0] + max(0, items[$0].durationDays) }
        let lf = (0..<count).map { ls[$0] + max(0, items[$0].durationDays) }
        let finish = ef.max() ?? 0
        func slack(_ link: ScheduleDependency, _ start: [Int], _ finish: [Int]) -> Int {
            let (p, s) = (position[link.predecessor]!, position[link.successor]!)
            switch link.type {
            case .finishToStart: return start[s] - (finish[p] + link.lagDays)
            case .startToStart: return start[s] - (start[p] + link.lagDays)
            case .finishToFinish: return finish[s] - (finish[p] + link.lagDays)
            case .startToFinish: return finish[s] - (start[p] + link.lagDays)
            }
        }
        for link in links {
            #expect(slack(link, es, ef) >= 0, "early dates meet \(link.type)")
            #expect(slack(link, ls, lf) >= 0, "late dates meet \(link.type)")
        }
        for (number, item) in schedule.items.enumerated() {
            #expect(item.totalFloat == ls[number] - es[number])
            #expect(item.totalFloat >= 0 && item.freeFloat >= 0 && item.freeFloat <= item.totalFloat)
            #expect(lf[number] <= finish)
            // Tight: each item starts as early as the project start, its own constraint or one of its
            // dependencies allows, and finishes as late as the project finish or one successor allows.
            let incoming = links.filter { $0.successor == item.id }
            let notBefore = items[number].notBefore.map { max(0, index(calendar.nextWorkingDay(onOrAfter: $0))) } ?? 0
            #expect(es[number] == notBefore || incoming.contains { slack($0, es, ef) == 0 })
            let outgoing = links.filter { $0.predecessor == item.id }
            #expect(lf[number] == finish || outgoing.contains { slack($0, ls, lf) == 0 })
        }
        let lastFinishDay = (0..<count).map { items[$0].durationDays > 0 ? ef[$0] - 1 : es[$0] }.max()
        #expect(index(schedule.finish) == lastFinishDay)
        #expect(!schedule.criticalItems.isEmpty)
    }

    // MARK: Cycles

    @Test func aCycleIsReportedByItsItems() {
        var network = Network()
        network.add("D", 1)
        network.add("B", 1, after: fs("A"))
        network.add("C", 1, after: ss("B"))
        network.add("A", 1, after: fs("D"), ff("C"))
        network.add("E", 1, after: fs("C"))  // downstream of the loop, not on it
        // Along the dependencies, starting with the item listed first.
        #expect(throws: DependencyCycle(itemIDs: ["B", "C", "A"].map(id))) {
            try network.schedule(from: dayOne)
        }
    }

    @Test func anItemDependingOnItselfIsACycle() {
        var network = Network()
        network.add("A", 1)
        network.add("B", 1, after: fs("B"))
        #expect(throws: DependencyCycle(itemIDs: [id("B")])) { try network.schedule(from: dayOne) }
        let selfLink = ScheduleDependency(predecessor: id("A"), successor: id("A"))
        #expect(CriticalPath.cycle(adding: selfLink, to: []) == [id("A")])
    }

    @Test func addingAnEdgeThatClosesALoopNamesTheLoop() {
        let existing = [
            ScheduleDependency(predecessor: id("A"), successor: id("B")),
            ScheduleDependency(predecessor: id("B"), successor: id("C"), type: .startToStart),
        ]
        let closing = ScheduleDependency(predecessor: id("C"), successor: id("A"))
        #expect(CriticalPath.cycle(adding: closing, to: existing) == ["A", "B", "C"].map(id))
        let shortcut = ScheduleDependency(predecessor: id("A"), successor: id("C"))
        #expect(CriticalPath.cycle(adding: shortcut, to: existing) == nil, "a DAG edge")
        let stranger = ScheduleDependency(predecessor: id("C"), successor: id("Z"))
        #expect(CriticalPath.cycle(adding: stranger, to: existing) == nil)
    }

    @Test func theShortestLoopIsReported() {
        let existing = [("A", "B"), ("B", "C"), ("C", "D"), ("A", "D")].map {
            ScheduleDependency(predecessor: id($0.0), successor: id($0.1))
        }
        let closing = ScheduleDependency(predecessor: id("D"), successor: id("A"))
        #expect(CriticalPath.cycle(adding: closing, to: existing) == ["A", "D"].map(id))
    }

    @Test func cycleCheckHandlesTwentyThousandEdges() {
        let count = 20_000
        let chain = (0..<count).map { ScheduleDependency(predecessor: numbered($0), successor: numbered($0 + 1)) }
        let closing = ScheduleDependency(predecessor: numbered(count), successor: numbered(0))
        let loop = CriticalPath.cycle(adding: closing, to: chain)
        #expect(loop?.count == count + 1)
        #expect(loop?.first == numbered(0))
        #expect(loop?.last == numbered(count))
        let forward = ScheduleDependency(predecessor: numbered(0), successor: numbered(count))
        #expect(CriticalPath.cycle(adding: forward, to: chain) == nil)
    }
}
