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
