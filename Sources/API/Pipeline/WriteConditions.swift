import Foundation
import HTTPTypes

/// `If-Match` and `Idempotency-Key`, read once when the request arrives and kept typed. The
/// contract declares both as header parameters, which the generated clients percent-encode (URI
/// "simple" style: `"3"` travels as `%223%22`), while curl and most clients send them as they are.
/// An entity tag never holds `%`, so `If-Match` is percent-decoded before it is parsed. A key is
/// opaque and taken as sent: a client encodes its key the same way on every retry, and decoding
/// could turn a valid key (`a%20b`) into an invalid one.
struct WriteConditions: Sendable {
    let ifMatch: Preconditions.IfMatch?
    /// The key, nil when absent, or why it is refused (400 when a create reads it).
    let idempotencyKey: Result<String?, APIProblem>

    init(_ headers: HTTPFields) {
        ifMatch = Preconditions.parse(ifMatch: Self.decoded(headers, "If-Match"))
        idempotencyKey = Result { () throws(APIProblem) in try Idempotency.validate(key: Self.raw(headers, "Idempotency-Key")) }
    }

    /// No conditions: a request the edge middleware did not see.
    static let none = WriteConditions(HTTPFields())

    private static func raw(_ headers: HTTPFields, _ name: String) -> String? {
        guard let field = HTTPField.Name(name) else { return nil }
        return headers[field]
    }

    private static func decoded(_ headers: HTTPFields, _ name: String) -> String? {
        guard let value = raw(headers, name) else { return nil }
        guard value.contains("%") else { return value }
        return value.removingPercentEncoding ?? value
    }
}
