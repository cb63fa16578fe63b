@testable import API
import Foundation
import Testing

/// RFC 3339 timestamps on the wire.
@Suite struct TimestampFormatTests {
    @Test func timestampsAreRFC3339InUTCWithWholeSeconds() throws {
        let transcoder = RFC3339Timestamps()
        #expect(try transcoder.encode(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(try transcoder.encode(Date(timeIntervalSince1970: 1_795_707_001.75)) == "2026-11-26T15:30:01Z")
        #expect(try transcoder.encode(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        #expect(try transcoder.decode(transcoder.encode(now)) == now)
    }
}

@Suite struct TimestampTests {
    @Test func requestsMayUseAnyRFC3339FormResponsesUseWholeSecondsInUTC() throws {
        let transcoder = RFC3339Timestamps()
        let plain = try transcoder.decode("2026-11-26T15:30:00Z")
        #expect(try transcoder.decode("2026-11-26T16:30:00+01:00") == plain)
        #expect(try transcoder.decode("2026-11-26T15:30:00.250Z").timeIntervalSince(plain) == 0.25)
        #expect(try transcoder.encode(plain.addingTimeInterval(0.9)) == "2026-11-26T15:30:00Z")
        #expect(throws: (any Error).self) { try transcoder.decode("26 Nov 2026") }
    }
}
