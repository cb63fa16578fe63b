public import struct Foundation.UUID

/// Time-ordered UUIDs (RFC 9562 version 7): new rows land at the right edge of B-tree indexes and ids
/// double as stable cursors.
public enum UUIDv7 {
    /// Sorts before every id: the "after" of a list's first page.
    public static let lowest = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// An id for `unixMilliseconds` whose 12-bit `rand_a` field holds `sequence` (RFC 9562 §6.2,
    /// method 1), so ids made in the same millisecond still sort in the order they were made.
    public static func make(unixMilliseconds: UInt64, sequence: UInt16 = 0,
                            using generator: inout some RandomNumberGenerator) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: unixMilliseconds >> (8 * UInt64(5 - index)))
        }
        for index in 8..<16 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = 0x70 | UInt8((sequence >> 8) & 0x0F)  // version 7, then the sequence's high bits
        bytes[7] = UInt8(truncatingIfNeeded: sequence)
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// Hands out strictly increasing UUIDv7s within this process, even within one millisecond or when the
/// clock steps back.
public struct MonotonicUUIDv7: Sendable {
    public struct State: Sendable {
        var milliseconds: UInt64 = 0
        var sequence: UInt16 = 0

        public init() {}

        /// The timestamp and sequence for an id made at `now` milliseconds.
        public mutating func next(now: UInt64) -> (UInt64, UInt16) {
            if now > milliseconds {
                milliseconds = now
                sequence = 0
            } else if sequence < 0x0FFF {
                sequence += 1
            } else {
                milliseconds += 1  // 4,096 ids in one millisecond: borrow the next one
                sequence = 0
            }
            return (milliseconds, sequence)
        }
    }
}
