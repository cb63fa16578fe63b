public import struct Foundation.Date
public import struct Foundation.UUID
import Synchronization

/// The clocks and id source, passed in (never global) so tests can pin them.
public struct Environment: Sendable {
    public var now: @Sendable () -> Date
    public var newID: @Sendable () -> UUID
    /// Seconds on a clock that never steps back (for rates: the token buckets); tests that move
    /// `now` by hand pass one that follows it.
    public var monotonicSeconds: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID,
                monotonicSeconds: @escaping @Sendable () -> Double = Environment.uptimeSeconds) {
        self.now = now
        self.newID = newID
        self.monotonicSeconds = monotonicSeconds
    }

    /// Seconds since the process first asked, on the continuous clock.
    @Sendable public static func uptimeSeconds() -> Double {
        let elapsed = ContinuousClock.now - processStart
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    private static let processStart = ContinuousClock.now

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
