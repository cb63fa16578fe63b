import Foundation

/// The database cannot serve the request now: unreachable, not answering within a bound, or every
/// pooled connection busy for the whole acquire timeout (`cause` says which when it is known).
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public let target: String
    public let limit: Duration
    /// Why the last attempt to connect failed, when that is why.
    public let cause: (any Error)?

    public init(target: String, limit: Duration, cause: (any Error)? = nil) {
        self.target = target
        self.limit = limit
        self.cause = cause
    }

    public var description: String {
        let because = cause.map { ": \($0)" } ?? ""
        return "cannot reach the database at \(target)" + (limit == .zero ? "" : " within \(limit)") + because
    }
}
