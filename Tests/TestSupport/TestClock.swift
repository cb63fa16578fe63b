public import Domain
public import Foundation
import Synchronization

/// A clock a test moves by hand (day by day, or a second at a time for rates), with live ids: for
/// rules that depend on "today" or on time passing.
public final class TestClock: Sendable {
    let now = Mutex(Date())

    public init(_ day: String? = nil) {
        if let day { set(day) }
    }

    /// Noon UTC of `day` (`YYYY-MM-DD`).
    public func set(_ day: String) { now.withLock { $0 = ISO8601DateFormatter().date(from: day + "T12:00:00Z")! } }

    public var date: Date { now.withLock { $0 } }

    public func advance(seconds: Double) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// Its monotonic clock follows `now`.
    public var environment: Domain.Environment {
        Domain.Environment(now: { self.now.withLock { $0 } }, newID: Domain.Environment.live.newID,
                           monotonicSeconds: { self.now.withLock { $0 }.timeIntervalSince1970 })
    }
}
