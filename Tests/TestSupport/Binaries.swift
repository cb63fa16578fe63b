public import Foundation

/// The project's executables as built for this test run, run as child processes.
public enum Binaries {
    /// `PMO_BIN_DIR` (set by ./infra/test), else the build folder this test binary runs from.
    public static func url(_ name: String) -> URL {
        let directory = ProcessInfo.processInfo.environment["PMO_BIN_DIR"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        return URL(fileURLWithPath: "\(directory)/\(name)")
    }

    public struct Finished: Sendable {
        public let status: Int32
        public let output: String
        public let error: String
    }

    /// Runs `name` to completion with the test process's environment plus `environment`.
    public static func run(_ name: String, arguments: [String] = [], environment: [String: String]) throws -> Finished {
        let process = Process()
        process.executableURL = url(name)
        process.arguments = arguments
        process.environment = TestKeys.environment.merging(ProcessInfo.processInfo.environment) { $1 }
            .merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                        error: String(decoding: error, as: UTF8.self))
    }
}
