public import struct Foundation.Date
public import struct Foundation.UUID
import Synchronization

/// The clock and id source, passed in (never global) so tests can pin them.
public struct Environment: Sendable {
    public var now: @Sendable () -> Date
    public var newID: @Sendable () -> UUID

    public init(now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID) {
        self.now = now
        self.newID = newID
    }

    /// Wall clock and process-wide increasing UUIDv7 ids.
    public static let live: Environment = {
        let state = Mutex(MonotonicUUIDv7.State())
        return Environment(
            now: { Date() },
            newID: {
                let millis = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
                let (timestamp, sequence) = state.withLock { $0.next(now: millis) }
                var generator = SystemRandomNumberGenerator()
                return UUIDv7.make(unixMilliseconds: timestamp, sequence: sequence, using: &generator)
            })
    }()
}
