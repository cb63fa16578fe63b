/// Which dates count as working days for a project: a working week plus a list of holidays.
/// Durations, lags and floats in the schedule are counted in these working days.
public struct WorkingCalendar: Sendable, Equatable {
    /// ISO weekdays that are working days: 1 = Monday ... 7 = Sunday. A set without any value in
    /// 1...7 is treated as the standard Monday–Friday week: a week without working days would make
    /// "the next working day" search forever, and the API is the place to reject such input.
    public var workingWeekdays: Set<Int>
    public var holidays: Set<CalendarDate>

    public init(workingWeekdays: Set<Int> = [1, 2, 3, 4, 5], holidays: Set<CalendarDate> = []) {
        self.workingWeekdays = workingWeekdays
        self.holidays = holidays
    }

    /// Monday to Friday, no holidays.
    public static let standard = WorkingCalendar()

    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        isWorkingDay(date, mask: weekdayMask)
    }

    /// ISO weekday, 1 = Monday ... 7 = Sunday. It does not depend on the calendar; it lives here so
    /// that callers reasoning about working weeks find it next to `workingWeekdays`.
    public func weekday(_ date: CalendarDate) -> Int {
        Self.isoWeekday(daysSinceEpoch: date.daysSinceEpoch)
    }

    /// The first working day on or after `date`.
    public func nextWorkingDay(onOrAfter date: CalendarDate) -> CalendarDate {
        let mask = weekdayMask
        var day = date
        while !isWorkingDay(day, mask: mask) { day = day.adding(days: 1) }
        return day
    }

    /// The date `days` working days after `date` (negative: before). Each step moves to the next (or
    /// previous) working day, so when `date` is a working day this is plain working-day arithmetic, and
    /// when it is not, Saturday + 1 is Monday and Saturday − 1 is Friday; 0 returns `date` unchanged.
    /// Linear in `days`: it is meant for offsets the size of a plan, not for centuries.
    public func adding(workingDays days: Int, to date: CalendarDate) -> CalendarDate {
        let mask = weekdayMask
        let step = days < 0 ? -1 : 1
        var day = date
        for _ in 0..<days.magnitude {
            repeat { day = day.adding(days: step) } while !isWorkingDay(day, mask: mask)
        }
        return day
    }

    /// Number of working days in [from, through], both ends included; 0 if `through` is before `from`.
    /// Counts whole weeks arithmetically, then subtracts the holidays that fall on working weekdays, so
    /// it costs O(7 + holidays) however long the range is.
    public func workingDays(from: CalendarDate, through: CalendarDate) -> Int {
        guard from <= through else { return 0 }
        let first = from.daysSinceEpoch
        let last = through.daysSinceEpoch
        let mask = weekdayMask
        let length = last - first + 1
        var count = (length / 7) * mask.workingDaysPerWeek
        let partialWeek = length % 7
        for day in (last - partialWeek + 1)..<(last + 1)
        where mask.contains(isoWeekday: Self.isoWeekday(daysSinceEpoch: day)) {
            count += 1
        }
        for holiday in holidays {
            let day = holiday.daysSinceEpoch
            if day >= first, day <= last, mask.contains(isoWeekday: Self.isoWeekday(daysSinceEpoch: day)) {
                count -= 1
            }
        }
        return count
    }

    // MARK: - Internals shared with the schedule's working-day index

    /// `isWorkingDay` with the week's bits computed once by the caller's loop.
    func isWorkingDay(_ date: CalendarDate, mask: WorkingWeekdayMask) -> Bool {
        mask.contains(isoWeekday: Self.isoWeekday(daysSinceEpoch: date.daysSinceEpoch))
            && !holidays.contains(date)
    }

    /// 1970-01-01 was a Thursday (ISO 4); the double modulo keeps dates before 1970 in 1...7.
    static func isoWeekday(daysSinceEpoch day: Int) -> Int {
        ((day + 3) % 7 + 7) % 7 + 1
    }

    /// The working week as bits, with the empty-week fallback applied once.
    var weekdayMask: WorkingWeekdayMask {
        let mask = WorkingWeekdayMask(workingWeekdays)
        return mask.workingDaysPerWeek == 0 ? WorkingWeekdayMask([1, 2, 3, 4, 5]) : mask
    }
}

/// A working week as seven bits (bit 0 = Monday), so the hot loops test a bit instead of hashing.
struct WorkingWeekdayMask: Sendable {
    let bits: UInt8

    init(_ weekdays: Set<Int>) {
        var bits: UInt8 = 0
        for weekday in weekdays where (1...7).contains(weekday) { bits |= 1 << UInt8(weekday - 1) }
        self.bits = bits
    }

    func contains(isoWeekday: Int) -> Bool {
        bits & (1 << UInt8(isoWeekday - 1)) != 0
    }

    var workingDaysPerWeek: Int { bits.nonzeroBitCount }
}

extension WorkingCalendar {
    /// Working days from `from` to `to`: positive when `to` is later (the working days after `from`
    /// up to and including `to`), negative when earlier, 0 for the same day.
    public func signedWorkingDays(from: CalendarDate, to: CalendarDate) -> Int {
        if to > from { return workingDays(from: from.adding(days: 1), through: to) }
        if to < from { return -workingDays(from: to.adding(days: 1), through: from) }
        return 0
    }
}
