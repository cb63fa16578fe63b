import Foundation

/// The database did not answer in time: unreachable, or overloaded. The pool itself would keep a
/// request waiting for a connection for as long as the database is down.
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public let target: String
    public let limit: Duration

    public init(target: String, limit: Duration) {
        self.target = target
        self.limit = limit
    }

    public var description: String {
        limit == .zero ? "the database at \(target) is unreachable" : "cannot reach the database at \(target) within \(limit)"
    }
}

extension Database {
    /// Runs `work`, giving up with `DatabaseUnavailable` after `limit` (the work is cancelled).
    /// Two child tasks and a timer: for start-up, probes and readiness, not for every request.
    @discardableResult
    public func withDeadline<Result: Sendable>(
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
}

/// Which of the two racers finished first.
enum DeadlineOutcome<Result: Sendable>: Sendable {
    case done(Result)
    case timedOut
}
