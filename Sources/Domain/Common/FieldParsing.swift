public import struct Foundation.UUID

extension FieldChecks {
    /// A calendar date given as text; nil when absent, and when the text is no date (then noted at `pointer`).
    public mutating func date(_ text: String?, at pointer: String) -> CalendarDate? {
        guard let text else { return nil }
        let parsed = CalendarDate(text)
        require(parsed != nil, pointer, "must be a calendar date YYYY-MM-DD")
        return parsed
    }

    /// A reference given as text; nil when absent, and when the text is no UUID (then noted at `pointer`).
    public mutating func uuid(_ text: String?, at pointer: String) -> UUID? {
        guard let text else { return nil }
        let id = UUID(uuidString: text)
        require(id != nil, pointer, "must be an id (UUID)")
        return id
    }
}
