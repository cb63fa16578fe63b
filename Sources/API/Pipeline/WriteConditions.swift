import Foundation
import HTTPTypes

/// `If-Match` and `Idempotency-Key`, read once when the request arrives and kept typed. Header
/// values are percent-decoded first: the contract declares both as header parameters, which the
/// generated clients percent-encode (URI "simple" style: `"3"` travels as `%223%22`), while curl and
/// most clients send them as they are. An entity tag never holds `%`, and a key keeps its text
/// either way unless it holds a `%XX` sequence.
struct WriteConditions: Sendable {
    let ifMatch: Preconditions.IfMatch?
    /// The key, nil when absent, or why it is refused (400 when a create reads it).
    let idempotencyKey: Result<String?, APIProblem>

    init(_ headers: HTTPFields) {
        ifMatch = Preconditions.parse(ifMatch: Self.decoded(headers, "If-Match"))
        idempotencyKey = Result { () throws(APIProblem) in try Idempotency.validate(key: Self.decoded(headers, "Idempotency-Key")) }
    }

    /// No conditions: a request the edge middleware did not see.
    static let none = WriteConditions(HTTPFields())

    private static func decoded(_ headers: HTTPFields, _ name: String) -> String? {
        guard let field = HTTPField.Name(name), let value = headers[field] else { return nil }
        guard value.contains("%") else { return value }
        return value.removingPercentEncoding ?? value
    }
}
