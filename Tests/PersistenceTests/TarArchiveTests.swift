import Foundation
import Persistence
import Testing

/// The tar an API data export downloads as: ustar blocks a stock `tar` reads.
@Suite struct TarArchiveTests {
    @Test func filesArePaddedToWholeBlocksAndTheArchiveEndsWithTwoEmptyOnes() throws {
        let files: [(name: String, contents: Data)] = [("empty.ndjson", Data()), ("block.ndjson", Data(count: 512)),
                                                        ("more.ndjson", Data(repeating: 0x41, count: 513))]
        let archive = try TarArchive.archive(files, modified: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(archive.count == 512 + (512 + 512) + (512 + 1024) + 1024)
        #expect(archive.suffix(1024).allSatisfy { $0 == 0 })
        // The third header: its name, its size in octal, and a checksum that sums the header with
        // the checksum field read as spaces.
        let header = Array(archive[(512 + 1024)..<(512 + 1024 + 512)])
        #expect(String(decoding: header[0..<11], as: UTF8.self) == "more.ndjson")
        #expect(String(decoding: header[124..<135], as: UTF8.self) == "00000001001")
        #expect(String(decoding: header[257..<262], as: UTF8.self) == "ustar")
        var summed = header
        summed.replaceSubrange(148..<156, with: Array("        ".utf8))
        let checksum = String(decoding: header[148..<154], as: UTF8.self)
        #expect(Int(checksum, radix: 8) == summed.reduce(0) { $0 + Int($1) })
        #expect(header[154] == 0 && header[155] == 0x20)
    }

    @Test func aNameTarCannotHoldIsRefused() {
        for name in ["", "nested/file.ndjson", String(repeating: "a", count: 100), "tab\there"] {
            #expect(throws: TarArchive.Unrepresentable.self, "\(name)") {
                try TarArchive.archive([(name, Data())], modified: Date())
            }
        }
    }
}
