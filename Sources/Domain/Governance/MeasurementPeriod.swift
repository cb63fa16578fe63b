/// How often an obligation is measured (docs/DOMAIN.md §5).
public enum PeriodKind: String, CaseIterable, Sendable {
    case daily
    case weekly
    case monthly

    /// The period's key as the API writes it: `2026-03-14`, `2026-W11` or `2026-03`.
    public var keyFormat: String {
        switch self {
        case .daily: "YYYY-MM-DD"
        case .weekly: "YYYY-Www (ISO week)"
        case .monthly: "YYYY-MM"
        }
    }
}

/// One measurement period of an obligation: a day, an ISO week (Monday to Sunday) or a calendar month.
public struct MeasurementPeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let kind: PeriodKind
    public let start: CalendarDate

    /// The period that starts on `start`, or nil when no period of this kind starts that day.
    public init?(kind: PeriodKind, start: CalendarDate) {
        switch kind {
        case .daily: break
        case .weekly: guard ISOWeek.isoWeekday(start) == 1 else { return nil }
        case .monthly: guard start.day == 1 else { return nil }
        }
        self.kind = kind
        self.start = start
    }

    /// Parses the API's key for a period of `kind`.
    public init?(key: String, kind: PeriodKind) {
        switch kind {
        case .daily:
            guard let day = CalendarDate(key) else { return nil }
            self.init(kind: kind, start: day)
        case .weekly:
            guard let week = ISOWeek(key) else { return nil }
            self.init(kind: kind, start: week.monday)
        case .monthly:
            guard let month = YearMonth(key) else { return nil }
            self.init(kind: kind, start: month.first)
        }
    }

    /// The period of `kind` that holds `day`.
    public static func containing(_ day: CalendarDate, kind: PeriodKind) -> MeasurementPeriod {
        switch kind {
        case .daily: MeasurementPeriod(kind: kind, start: day)!
        case .weekly: MeasurementPeriod(kind: kind, start: day.adding(days: 1 - ISOWeek.isoWeekday(day)))!
        case .monthly: MeasurementPeriod(kind: kind, start: YearMonth(day).first)!
        }
    }

    public var end: CalendarDate {
        switch kind {
        case .daily: start
        case .weekly: start.adding(days: 6)
        case .monthly: YearMonth(start).last
        }
    }

    public var next: MeasurementPeriod { MeasurementPeriod(kind: kind, start: end.adding(days: 1))! }

    /// The month whose service credits count this period: the month in which it ends (a period is
    /// assessed once it is over, so an ISO week across two months counts in the later one).
    public var creditMonth: YearMonth { YearMonth(end) }

    public var description: String {
        switch kind {
        case .daily: start.description
        case .weekly: ISOWeek(monday: start).description
        case .monthly: YearMonth(start).description
        }
    }

    public static func < (lhs: MeasurementPeriod, rhs: MeasurementPeriod) -> Bool { lhs.start < rhs.start }
}

/// A calendar month, `YYYY-MM`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }),
              let year = Int(parts[0]), let month = Int(parts[1]), CalendarDate(year: year, month: month, day: 1) != nil
        else { return nil }
        self.year = year
        self.month = month
    }

    public init(_ day: CalendarDate) {
        year = day.year
        month = day.month
    }

    public var first: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }
    public var last: CalendarDate { CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year))! }
    public var next: YearMonth { YearMonth(last.adding(days: 1)) }

    /// Months from `self` to `other` (0 for the same month; negative when `other` is earlier).
    public func months(to other: YearMonth) -> Int { (other.year - year) * 12 + other.month - month }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}
