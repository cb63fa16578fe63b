/// Numbers the working days of a calendar from an origin: index 0 is the first working day on or after
/// the origin date, index 1 the next working day, and so on. The critical path works on these indexes so
/// that "d working days later" is plain integer addition; dates only come back at the edges.
///
/// Both directions are table look-ups, grown on demand: walking the calendar once costs one step per
/// calendar day of the schedule's span, after which every conversion is O(1). Memory is proportional
/// to that span (two `Int`s per calendar day).
struct WorkingDayIndex {
    /// Days since epoch of the first calendar day covered (the origin, not necessarily a working day).
    private let originDay: Int
    private let mask: WorkingWeekdayMask
    private let holidayDays: Set<Int>
    /// Working day index -> days since epoch.
    private var workingDays: [Int] = []
    /// (Calendar day - origin) -> index of the first working day on or after it.
    private var indexOnOrAfter: [Int] = []

    init(calendar: WorkingCalendar, origin: CalendarDate) {
        originDay = origin.daysSinceEpoch
        mask = calendar.weekdayMask
        holidayDays = Set(calendar.holidays.map(\.daysSinceEpoch))
    }

    /// The date of working day `index` (`index >= 0`).
    mutating func date(at index: Int) -> CalendarDate {
        assert(index >= 0, "working day indexes start at the origin")
        while workingDays.count <= index { coverNextCalendarDay() }
        return CalendarDate(daysSinceEpoch: workingDays[index])
    }

    /// The index of the first working day on or after `date`; dates before the origin map to 0.
    mutating func index(onOrAfter date: CalendarDate) -> Int {
        let offset = date.daysSinceEpoch - originDay
        guard offset > 0 else { return 0 }
        while indexOnOrAfter.count <= offset { coverNextCalendarDay() }
        return indexOnOrAfter[offset]
    }

    /// Makes later `date(at:)` calls up to `index` pure look-ups (one reservation instead of many).
    mutating func cover(throughIndex index: Int) {
        guard index >= workingDays.count else { return }
        workingDays.reserveCapacity(index + 1)
        indexOnOrAfter.reserveCapacity((index + 1) * 7 / max(1, mask.workingDaysPerWeek) + 7)
        while workingDays.count <= index { coverNextCalendarDay() }
    }

    /// Extends both tables by one calendar day. A non-working day maps to the index the next working
    /// day will get, which is the current count of working days found so far.
    private mutating func coverNextCalendarDay() {
        let day = originDay + indexOnOrAfter.count
        indexOnOrAfter.append(workingDays.count)
        if mask.contains(isoWeekday: WorkingCalendar.isoWeekday(daysSinceEpoch: day)), !holidayDays.contains(day) {
            workingDays.append(day)
        }
    }
}
