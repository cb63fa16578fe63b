import Domain
import Testing

private func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}

@Suite struct WorkingCalendarTests {
    let standard = WorkingCalendar.standard
    /// Christmas 2026 falls on a Friday.
    let christmas = WorkingCalendar(holidays: [day("2026-12-25")])

    @Test func isoWeekdaysOfKnownDates() {
        #expect(standard.weekday(day("2026-11-26")) == 4, "a Thursday")
        #expect(standard.weekday(day("2026-11-29")) == 7, "a Sunday")
        #expect(standard.weekday(day("2026-11-30")) == 1, "a Monday")
        #expect(standard.weekday(day("1970-01-01")) == 4, "the epoch was a Thursday")
        #expect(standard.weekday(day("1969-12-31")) == 3, "before the epoch too")
        #expect(standard.weekday(day("2000-01-01")) == 6, "a Saturday")
    }

    @Test func weekendsAndHolidaysAreNotWorkingDays() {
        #expect(standard.isWorkingDay(day("2026-11-27")))
        #expect(!standard.isWorkingDay(day("2026-11-28")))
        #expect(!standard.isWorkingDay(day("2026-11-29")))
        #expect(standard.isWorkingDay(day("2026-12-25")))
        #expect(!christmas.isWorkingDay(day("2026-12-25")))
    }

    @Test func nextWorkingDaySkipsWeekendsAndHolidays() {
        #expect(standard.nextWorkingDay(onOrAfter: day("2026-11-27")) == day("2026-11-27"), "a working day stays")
        #expect(standard.nextWorkingDay(onOrAfter: day("2026-11-28")) == day("2026-11-30"))
        #expect(christmas.nextWorkingDay(onOrAfter: day("2026-12-25")) == day("2026-12-28"))
    }

    @Test func addingWorkingDaysCrossesWeekendsBothWays() {
        let thursday = day("2026-11-26")
        #expect(standard.adding(workingDays: 0, to: thursday) == thursday)
        #expect(standard.adding(workingDays: 1, to: thursday) == day("2026-11-27"))
        #expect(standard.adding(workingDays: 2, to: thursday) == day("2026-11-30"))
        #expect(standard.adding(workingDays: 5, to: thursday) == day("2026-12-03"))
        #expect(standard.adding(workingDays: 10, to: thursday) == day("2026-12-10"))
        #expect(standard.adding(workingDays: -1, to: day("2026-11-30")) == day("2026-11-27"))
        #expect(standard.adding(workingDays: -5, to: day("2026-12-03")) == thursday)
    }

    @Test func addingWorkingDaysCrossesHolidaysBothWays() {
        #expect(christmas.adding(workingDays: 1, to: day("2026-12-24")) == day("2026-12-28"))
        #expect(christmas.adding(workingDays: 2, to: day("2026-12-24")) == day("2026-12-29"))
        #expect(christmas.adding(workingDays: -1, to: day("2026-12-28")) == day("2026-12-24"))
        #expect(christmas.adding(workingDays: -4, to: day("2026-12-29")) == day("2026-12-22"))
    }

    @Test func addingFromANonWorkingDayStepsToTheNeighbouringWorkingDays() {
        let saturday = day("2026-11-28")
        #expect(standard.adding(workingDays: 1, to: saturday) == day("2026-11-30"))
        #expect(standard.adding(workingDays: -1, to: saturday) == day("2026-11-27"))
        #expect(standard.adding(workingDays: 0, to: saturday) == saturday)
    }

    @Test func workingDaysCountsBothEnds() {
        #expect(standard.workingDays(from: day("2026-11-30"), through: day("2026-12-04")) == 5)
        #expect(standard.workingDays(from: day("2026-11-26"), through: day("2026-12-02")) == 5, "Thu Fri Mon Tue Wed")
        #expect(standard.workingDays(from: day("2026-11-27"), through: day("2026-11-27")) == 1)
        #expect(standard.workingDays(from: day("2026-11-28"), through: day("2026-11-29")) == 0, "a weekend")
        #expect(standard.workingDays(from: day("2026-12-04"), through: day("2026-11-30")) == 0, "reversed range")
        #expect(standard.workingDays(from: day("2026-01-01"), through: day("2026-12-31")) == 261)
    }

    @Test func workingDaysSubtractsOnlyHolidaysOnWorkingWeekdays() {
        // Mon 21 ... Thu 24, Christmas Friday off, Mon 28 ... Thu 31.
        #expect(christmas.workingDays(from: day("2026-12-21"), through: day("2026-12-31")) == 8)
        var weekendHoliday = christmas
        weekendHoliday.holidays.insert(day("2026-12-26"))  // a Saturday: nothing more to subtract
        weekendHoliday.holidays.insert(day("2027-01-04"))  // outside the range
        #expect(weekendHoliday.workingDays(from: day("2026-12-21"), through: day("2026-12-31")) == 8)
    }

    @Test(arguments: [0, 1, 4, 5, 6, 23, 250])
    func countingAndAddingAgree(days: Int) {
        let calendar = WorkingCalendar(holidays: [day("2026-12-25"), day("2027-01-01"), day("2026-12-08")])
        let start = day("2026-11-26")
        let end = calendar.adding(workingDays: days, to: start)
        #expect(calendar.isWorkingDay(end))
        #expect(calendar.workingDays(from: start, through: end) == days + 1)
    }

    @Test func otherWorkingWeeks() {
        // Sunday to Thursday, as in several Gulf states.
        let gulf = WorkingCalendar(workingWeekdays: [7, 1, 2, 3, 4])
        #expect(gulf.adding(workingDays: 1, to: day("2026-11-26")) == day("2026-11-29"))
        #expect(gulf.workingDays(from: day("2026-11-23"), through: day("2026-11-29")) == 5)
        // A seven-day week: every date works.
        let everyDay = WorkingCalendar(workingWeekdays: Set(1...7))
        #expect(everyDay.adding(workingDays: 3, to: day("2026-11-26")) == day("2026-11-29"))
    }

    @Test func aWeekWithoutWorkingDaysFallsBackToMondayToFriday() {
        let empty = WorkingCalendar(workingWeekdays: [0, 8])
        #expect(empty.nextWorkingDay(onOrAfter: day("2026-11-28")) == day("2026-11-30"))
        #expect(empty.workingDays(from: day("2026-11-30"), through: day("2026-12-06")) == 5)
        #expect(empty != WorkingCalendar.standard, "equality still compares what was stored")
    }
}
