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

    /// The week that starts on `monday` (which must be a Monday).
    init(monday: CalendarDate) {
        precondition(Self.isoWeekday(monday) == 1, "an ISO week starts on a Monday")
        self.monday = monday
    }

    /// Whether `text` has the shape of a week (`1000-W01` … `9999-W53`), whether or not that year
    /// has a week 53: the contract's pattern.
    public static func isWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, bytes[4] == UInt8(ascii: "-"), bytes[5] == UInt8(ascii: "W"),
              [0, 1, 2, 3, 6, 7].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }),
              bytes[0] != UInt8(ascii: "0"), let week = Int(String(decoding: bytes[6...], as: UTF8.self))
        else { return false }
        return (1...53).contains(week)
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
