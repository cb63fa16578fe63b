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
