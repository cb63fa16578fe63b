import Domain
import Foundation

/// Days as the governance and transition stores select them (`to_char(…, 'YYYY-MM-DD')`): a text
/// that is no calendar date is a row the code cannot read.
enum DayColumn {
    static func day(_ text: String, or corrupt: @autoclosure () -> CorruptRow) throws(CorruptRow) -> CalendarDate {
        guard let day = CalendarDate(text) else { throw corrupt() }
        return day
    }

    /// A nullable column: nil stays nil.
    static func day(_ text: String?, or corrupt: @autoclosure () -> CorruptRow) throws(CorruptRow) -> CalendarDate? {
        guard let text else { return nil }
        guard let day = CalendarDate(text) else { throw corrupt() }
        return day
    }
}
