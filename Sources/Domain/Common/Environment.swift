import struct Foundation.Date
import struct Foundation.UUID

/// The clock and id source, passed in (never global) so tests can pin them.
public struct Environment: Sendable {
    public var now: @Sendable () -> Date
    public var newID: @Sendable () -> UUID

    public init(now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID) {
        self.now = now
        self.newID = newID
    }

    /// Wall clock and UUIDv7 ids.
    public static let live = Environment(
        now: { Date() },
        newID: {
            var generator = SystemRandomNumberGenerator()
            let millis = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
            return UUIDv7.make(unixMilliseconds: millis, using: &generator)
        }
    )
}
