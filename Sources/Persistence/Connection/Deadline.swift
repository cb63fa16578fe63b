import Foundation

/// The database did not answer in time: unreachable, or overloaded. The pool itself would keep a
/// request waiting for a connection for as long as the database is down.
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

/// Runs `work`, giving up with `DatabaseUnavailable` after `limit` (the work is cancelled). Two
/// child tasks and a timer: for connecting and start-up, not for every request.
public func withTimeLimit<Result: Sendable>(
    _ limit: Duration, target: String, _ work: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: DeadlineOutcome<Result>.self) { group in
        group.addTask { .done(try await work()) }
        group.addTask {
            try await Task.sleep(for: limit)
            return .timedOut
        }
        defer { group.cancelAll() }
        switch try await group.next() {
        case .done(let value): return value
        case .timedOut, nil: throw DatabaseUnavailable(target: target, limit: limit)
        }
    }
}

/// Which of the two racers finished first.
enum DeadlineOutcome<Result: Sendable>: Sendable {
    case done(Result)
    case timedOut
}
