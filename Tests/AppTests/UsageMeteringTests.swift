import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// Metering: counted in memory, flushed in batches and on graceful shutdown, so nothing is lost.
@Suite struct UsageMeteringTests {
    @Test func callsAreCountedPerOperationAndStatusClassAcrossARestart() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("usage-a")
        let b = try await env.createTenant("usage-b")
        try await env.withApp { client in
            for _ in 0..<7 { _ = try await client.call(.get, "/v1/projects", auth: a.authorization) }
            for _ in 0..<3 { _ = try await client.call(.get, "/v1/projects/NOPE", auth: a.authorization) }
            _ = try await client.call(.get, "/v1/projects", auth: b.authorization)
        }
        try await env.withApp { client in
            let response = try await client.call(.get, "/v1/usage?from=2000-01-01&to=2000-12-31", auth: a.authorization)
            #expect((response.object["items"] as? [Any])?.isEmpty == true)
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let usage = try await client.call(.get, "/v1/usage?from=\(today)&to=\(today)", auth: a.authorization)
            #expect(usage.status == .ok)
            let lines = (usage.object["items"] as? [[String: Any]] ?? []).map {
                "\($0["operationId"] as? String ?? "?") \($0["statusClass"] as? String ?? "?") \($0["count"] as? Int ?? -1)"
            }
            // This app's own calls are still in memory (flushed every hour in tests, and at shutdown).
            #expect(lines.sorted() == ["getProject 4xx 3", "listProjects 2xx 7"])
        }
    }

    /// The real binary, stopped with SIGTERM: every acknowledged call shows in usage after the restart.
    @Test func sigtermFlushesEveryCountedCall() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("usage-c")
        let calls = 40
        var server = try await ServerProcess.start(environment: env)
        for _ in 0..<calls {
            let (status, _) = try await server.get("/v1/projects", auth: a.authorization)
            #expect(status == 200)
        }
        let exitStatus = try await server.terminate()
        #expect(exitStatus == 0)

        server = try await ServerProcess.start(environment: env)
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        let (status, body) = try await server.get("/v1/usage?from=\(today)&to=\(today)", auth: a.authorization)
        _ = try await server.terminate()
        #expect(status == 200)
        let items = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        let listed = items.first { $0["operationId"] as? String == "listProjects" && $0["statusClass"] as? String == "2xx" }
        #expect(listed?["count"] as? Int == calls)
    }
}

/// `pmo-server` as a child process on a free port, configured through its environment as in production.
struct ServerProcess {
    let process = Process()
    let port: Int

    /// Starts the server and waits until it answers; a random port that turns out to be taken
    /// (the process exits) is retried with another.
    static func start(environment: TestEnvironment) async throws -> ServerProcess {
        for attempt in 1...5 {
            let server = try ServerProcess(environment: environment)
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

    private init(environment: TestEnvironment) throws {
        port = Int.random(in: 40_000...60_000)
        process.executableURL = Binaries.url("pmo-server")
        var variables = TestKeys.environment.merging(ProcessInfo.processInfo.environment) { $1 }
        variables["SHUTDOWN_DRAIN_SECONDS"] = "0"
        variables["APP_DATABASE_URL"] = try environment.appURL.connectionString
        variables["PORT"] = String(port)
        variables["LOG_LEVEL"] = "error"
        variables["USAGE_FLUSH_SECONDS"] = "3600"  // only the shutdown flush can save the counts
        process.environment = variables
        try process.run()
    }

    func get(_ path: String, auth: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue(auth, forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
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
