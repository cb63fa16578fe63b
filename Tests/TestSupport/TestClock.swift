public import Domain
public import Foundation
import Synchronization

/// A clock a test moves by hand (day by day), with live ids: for rules that depend on "today".
public final class TestClock: Sendable {
    let now = Mutex(Date())

    public init(_ day: String? = nil) {
        if let day { set(day) }
    }

    /// Noon UTC of `day` (`YYYY-MM-DD`).
    public func set(_ day: String) { now.withLock { $0 = ISO8601DateFormatter().date(from: day + "T12:00:00Z")! } }

    public var date: Date { now.withLock { $0 } }

    public var environment: Domain.Environment {
        Domain.Environment(now: { self.now.withLock { $0 } }, newID: Domain.Environment.live.newID)
    }
}
