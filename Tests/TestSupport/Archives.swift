public import Foundation

/// Archives as a client handles them: with the system's own tools, not with the code under test.
public enum Archives {
    public struct ToolFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Extracts a tar with `tar -x` into a new temporary directory and returns it.
    public static func untar(_ archive: Data) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmo-untar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("archive.tar")
        try archive.write(to: file)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xf", file.path, "-C", directory.path]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw ToolFailed(description: "tar -x exited with \(tar.terminationStatus)") }
        try FileManager.default.removeItem(at: file)
        return directory
    }
}
