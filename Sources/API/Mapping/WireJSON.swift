import Foundation

/// JSON for bodies the server encodes itself (stored idempotent responses, NDJSON exports) in the
/// form the generated code writes: RFC 3339 timestamps in UTC, whole seconds.
enum WireJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

extension UUID {
    /// An id as the API writes it: lower-case hex with hyphens.
    var wire: String { uuidString.lowercased() }
}
