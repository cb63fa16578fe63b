/// A month of billing: from the subscription's anchor day to the day before the next month's.
/// Anchor days are 1 to 28, so every month has one.
public struct BillingPeriod: Equatable, Hashable, Sendable, CustomStringConvertible {
    public static let anchorDays = 1...28

    /// The first day of the period.
    public let start: CalendarDate
    /// The first day after it (the next period's start).
    public let end: CalendarDate

    /// The period that starts in `month` on `anchorDay`.
    public init(starting month: YearMonth, anchorDay: Int) {
        precondition(Self.anchorDays.contains(anchorDay), "anchor day \(anchorDay) outside 1...28")
        start = CalendarDate(year: month.year, month: month.month, day: anchorDay)!
        end = CalendarDate(year: month.next.year, month: month.next.month, day: anchorDay)!
    }

    /// The period `day` falls in.
    public init(containing day: CalendarDate, anchorDay: Int) {
        let month = YearMonth(day)
        self.init(starting: day.day >= anchorDay ? month : YearMonth(month.first.adding(days: -1)), anchorDay: anchorDay)
    }

    /// The month it starts in: how commands and invoices name it (`2026-11`).
    public var month: YearMonth { YearMonth(start) }

    /// The period after this one.
    public var next: BillingPeriod { BillingPeriod(starting: month.next, anchorDay: start.day) }

    public var days: Int { end.daysSinceEpoch - start.daysSinceEpoch }

    public var lastDay: CalendarDate { end.adding(days: -1) }

    public func contains(_ day: CalendarDate) -> Bool { start <= day && day < end }

    /// Closed once its last day is over: `today` is after it.
    public func isClosed(today: CalendarDate) -> Bool { today >= end }

    public var description: String { month.description }
}

/// The base fee for part of a period, by day.
public enum Proration {
    public static let rule = """
        A plan in force for part of a billing period is charged its base fee × the days it was in force ÷ \
        the days of the period, rounded half up to a whole minor unit; the day a change takes effect \
        belongs to the new plan.
        """

    /// `fee` × `daysInForce` ÷ `periodDays`, rounded half up: 2,900 for 10 of 30 days is 966.67, so 967.
    public static func share(of fee: Int64, daysInForce: Int, periodDays: Int) -> Int64 {
        precondition(periodDays > 0 && (0...periodDays).contains(daysInForce))
        return MinorUnits.saturating(
            MinorUnits.roundedQuotient(Int128(fee) * Int128(daysInForce), Int128(periodDays)) ?? 0)
    }
}
