import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Persistence
import TestSupport

/// `pmo-server` as a child process on a free port, configured through its environment as in production.
struct ServerProcess {
    let process = Process()
    let port: Int

    /// Starts the server and waits until it answers; a random port that turns out to be taken
    /// (the process exits) is retried with another.
    /// `extra`: more environment variables (they win over the defaults here).
    static func start(environment: TestEnvironment, extra: [String: String] = [:]) async throws -> ServerProcess {
        for attempt in 1...5 {
            let server = try ServerProcess(environment: environment, extra: extra)
            do {
                try await server.waitUntilHealthy()
                return server
            } catch is ServerExited where attempt < 5 {
                _ = try? await server.terminate()
                continue
            }
        }
        throw ServerExited(status: -1)
    }

    private init(environment: TestEnvironment, extra: [String: String]) throws {
        port = Int.random(in: 40_000...60_000)
        process.executableURL = Binaries.url("pmo-server")
        var variables = TestKeys.environment.merging(ProcessInfo.processInfo.environment) { $1 }
        variables["SHUTDOWN_DRAIN_SECONDS"] = "0"
        variables["APP_DATABASE_URL"] = try environment.appURL.connectionString
        variables["PORT"] = String(port)
        variables["LOG_LEVEL"] = "error"
        variables["USAGE_FLUSH_SECONDS"] = "3600"  // only the shutdown flush can save the counts
        process.environment = variables.merging(extra) { $1 }
        try process.run()
    }

    func get(_ path: String, auth: String) async throws -> (Int, Data) {
        let (status, data, _) = try await getWithHeaders(path, auth: auth)
        return (status, data)
    }

    /// The status, body and headers (names in lower case).
    func getWithHeaders(_ path: String, auth: String) async throws -> (Int, Data, [String: String]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue(auth, forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return (http?.statusCode ?? 0, data, headers)
    }

    func waitUntilHealthy() async throws {
        for _ in 0..<300 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!),
               (response as? HTTPURLResponse)?.statusCode == 200 {
                return
            }
            guard process.isRunning else { throw ServerExited(status: process.terminationStatus) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerExited(status: -1)
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status.
    func terminate() async throws -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<400 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)  // a hung shutdown fails the test, not the run
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }

    struct ServerExited: Error { let status: Int32 }
}
