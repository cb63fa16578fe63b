import Domain
import Foundation
import OpenAPIRuntime

/// Timestamps as the API writes them: RFC 3339 in UTC with whole seconds (`2026-11-26T15:30:00Z`).
/// Formatted by hand: the runtime's default goes through a locked `ISO8601DateFormatter`, which
/// showed in profiles of every response. Parsing (rare: few requests carry a timestamp) uses
/// Foundation's formatter and accepts any RFC 3339 form: an offset, and fractional seconds.
struct RFC3339Timestamps: DateTranscoder {
    private let parser = ISO8601DateTranscoder()
    private let fractionalParser = ISO8601DateTranscoder(options: [.withInternetDateTime, .withFractionalSeconds])

    func encode(_ date: Date) throws -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(CalendarDate(daysSinceEpoch: days))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }

    func decode(_ text: String) throws -> Date {
        do {
            return try parser.decode(text)
        } catch {
            return try fractionalParser.decode(text)
        }
    }
}
