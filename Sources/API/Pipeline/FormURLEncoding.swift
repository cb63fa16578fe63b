import Foundation

/// `application/x-www-form-urlencoded` (the console's forms, OAuth's Basic credentials).
enum FormURLEncoding {
    /// The fields of a body; a field given twice keeps its first value.
    static func fields(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.flatMap(decoded) else { continue }
            let value = parts.count == 2 ? decoded(parts[1]) ?? "" : ""
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    /// One part: `+` is a space, then percent-decoding; nil when that fails.
    static func decoded(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
