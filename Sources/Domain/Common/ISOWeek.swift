/// An ISO 8601 week such as `2026-W48`: Monday to Sunday, week 1 being the one with the year's
/// first Thursday.
public struct ISOWeek: Equatable, Sendable, CustomStringConvertible {
    public let monday: CalendarDate

    public init?(_ text: String) {
        let parts = text.split(separator: "-W", omittingEmptySubsequences: false)
        // Digits only: Int() would also take a sign ("+026").
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }),
              let year = Int(parts[0]),
              let week = Int(parts[1]), (1...53).contains(week), let january4 = CalendarDate(year: year, month: 1, day: 4)
        else { return nil }
        let weekOne = january4.adding(days: 1 - Self.isoWeekday(january4))
        let monday = weekOne.adding(days: 7 * (week - 1))
        // Week 53 exists only in years whose week 53 still holds a Thursday of that year.
        guard monday.adding(days: 3).year == year else { return nil }
        self.monday = monday
    }

    public var sunday: CalendarDate { monday.adding(days: 6) }
    public var days: [CalendarDate] { (0..<7).map { monday.adding(days: $0) } }

    public var description: String {
        let thursday = monday.adding(days: 3)
        let january4 = CalendarDate(year: thursday.year, month: 1, day: 4)!
        let weekOne = january4.adding(days: 1 - Self.isoWeekday(january4))
        let week = (monday.daysSinceEpoch - weekOne.daysSinceEpoch) / 7 + 1
        return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
    }

    /// 1 = Monday ... 7 = Sunday.
    static func isoWeekday(_ date: CalendarDate) -> Int {
        ((date.daysSinceEpoch % 7 + 7 + 3) % 7) + 1
    }
}
