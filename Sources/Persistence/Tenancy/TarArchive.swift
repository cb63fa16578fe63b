public import Foundation

/// A POSIX ustar archive of regular files, as `tar -x` reads it: per file a 512-byte header and its
/// contents padded to 512 bytes, then two empty blocks. Enough for a data export (flat names under
/// 100 bytes, files under 8 GiB); anything else is refused rather than written wrongly.
public enum TarArchive {
    public struct Unrepresentable: Error, CustomStringConvertible {
        public let description: String
    }

    static let block = 512

    /// The archive of `files` in their order, each with mode 0644 and modified at `modified`.
    public static func archive(_ files: [(name: String, contents: Data)], modified: Date) throws -> Data {
        var archive = Data()
        for file in files {
            archive.append(try header(name: file.name, size: file.contents.count, modified: modified))
            archive.append(file.contents)
            archive.append(Data(count: padding(file.contents.count)))
        }
        archive.append(Data(count: 2 * block))
        return archive
    }

    static func padding(_ size: Int) -> Int { (block - size % block) % block }

    static func header(name: String, size: Int, modified: Date) throws -> Data {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count < 100, !name.contains("/"), nameBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw Unrepresentable(description: "\(name) cannot be a file name in the archive")
        }
        guard size < 0o77777777777 else { throw Unrepresentable(description: "\(name) is too large for the archive") }
        var header = [UInt8](repeating: 0, count: block)
        func put(_ bytes: [UInt8], at offset: Int) {
            header.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        }
        // A numeric field: octal digits filling all but the field's last byte, which stays NUL.
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8)
        }
        put(nameBytes, at: 0)
        put(octal(0o644, width: 8), at: 100)                                   // mode
        put(octal(0, width: 8), at: 108)                                       // uid
        put(octal(0, width: 8), at: 116)                                       // gid
        put(octal(size, width: 12), at: 124)                                   // size
        put(octal(max(0, Int(modified.timeIntervalSince1970)), width: 12), at: 136)  // mtime
        put(Array("        ".utf8), at: 148)                                   // checksum, as spaces while summed
        header[156] = UInt8(ascii: "0")                                        // a regular file
        put(Array("ustar".utf8) + [0] + Array("00".utf8), at: 257)             // magic and version
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [0, 0x20], at: 148)                    // six digits, NUL, space
        return Data(header)
    }
}
