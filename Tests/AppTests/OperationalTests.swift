import App
import Auth
import Billing
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// Readiness, start-up checks, audit contents and the background writers.
@Suite struct OperationalTests {
    @Test func readinessIs503WhileMigrationsArePending() async throws {
        let env = try await TestEnvironment(unmigrated: ())
        try await env.withApp { client in
            let response = try await client.call(.get, "/readyz")
            #expect(response.status == .serviceUnavailable)
            #expect(response.object["type"] as? String == "/problems/not-ready")
            #expect(response.header("Retry-After") != nil)
            #expect(try await client.call(.get, "/healthz").status == .ok)
        }
    }

    @Test func theServerRefusesToStartWithPendingMigrations() async throws {
        let env = try await TestEnvironment(unmigrated: ())
        // PORT 1 is never reached: the check comes first.
        let run = try Binaries.run("pmo-server", environment: ["APP_DATABASE_URL": try env.appURL.connectionString, "PORT": "1"])
        #expect(run.status != 0)
        #expect(run.error.contains("pending migrations (0001_foundation, 0002_members"), "\(run.error)")
    }

    @Test func anUnreachableDatabaseGives503NotAHang() async throws {
        let nowhere = DatabaseURL(user: "pmo_app", database: "pmo", socketDirectory: "/tmp/pmo-no-such-cluster")
        let configuration = AppConfiguration(signingKeySeal: TestKeys.signingKeySeal, database: nowhere, databasePoolSize: 2,
                                             databaseProbeInterval: .milliseconds(200))
        let app = try buildApplication(configuration: configuration, logger: TestCluster.logger)
        try await app.test(.router) { client in
            // The first probe fails within its 200 ms; from then on nothing waits on the pool.
            var ready = try await client.call(.get, "/readyz")
            for _ in 0..<50 where ready.status != .serviceUnavailable {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await client.call(.get, "/readyz")
            }
            #expect(ready.status == .serviceUnavailable)
            for (method, uri) in [(HTTPRequest.Method.get, "/v1/projects"), (.delete, "/v1/projects/X-1")] {
                let response = try await client.call(method, uri, auth: "Bearer " + SecretToken.generate().token)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(response.object["type"] as? String == "/problems/unavailable")
                #expect(response.header("Retry-After") == "5")
                #expect(!response.text.contains("pmo-no-such-cluster"), "no internals in the response")
            }
        }
    }

    @Test func theServerStopsWithAClearLineWhenTheDatabaseIsUnreachable() async throws {
        let run = try Binaries.run("pmo-server", environment: ["APP_DATABASE_URL": "postgres://pmo_app:secret-pw@127.0.0.1:1/pmo"])
        #expect(run.status != 0)
        #expect(run.error.contains("cannot reach the database at 127.0.0.1:1"), "\(run.error)")
        #expect(!run.error.contains("secret-pw"))
    }

    @Test func auditRowsNameActorOperationResourceRequestAndChangedFields() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("audit-a")
        let (created, patched) = try await env.withApp { client in
            let created = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                                json: #"{"code":"AU-1","name":"Audited","currency":"EUR"}"#,
                                                headers: ["X-Request-Id": "req-create-0001"])
            let patched = try await client.call(.patch, "/v1/projects/AU-1", auth: a.authorization,
                                                json: #"{"name":"Renamed"}"#, headers: ["X-Request-Id": "req-patch-0002"])
            return (created.object["id"] as? String, patched.status)
        }
        #expect(patched == .ok)
        let rows = try await env.withOwner { database in
            var rows: [String] = []
            let result = try await database.query("""
                select actor_type, actor_id, operation, resource_type, resource_id::text, request_id,
                       array_to_string(changed_fields, ',')
                from audit_events where actor_type = 'api_key' order by occurred_at, operation
                """)
            for try await (type, actor, operation, resource, id, request, fields) in result.decode(
                (String, String, String, String, String, String?, String).self) {
                rows.append([type, actor, operation, resource, id, request ?? "-", fields].joined(separator: " "))
            }
            return rows
        }
        let key = a.keyID.uuidString.lowercased()
        let id = try #require(created)
        #expect(rows == [
            "api_key \(key) createProject project \(id) req-create-0001 \(ProjectFields.fieldNames.joined(separator: ","))",
            "api_key \(key) updateProject project \(id) req-patch-0002 name",
        ])
    }

    @Test func usageIsFlushedPeriodicallyWhileTheServerRuns() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("flush-a")
        try await env.withApp(usageFlushInterval: .milliseconds(200)) { client in
            for _ in 0..<3 { _ = try await client.call(.get, "/v1/projects", auth: a.authorization) }
            var flushed = 0
            for _ in 0..<50 where flushed < 3 {
                try await Task.sleep(for: .milliseconds(100))
                flushed = try await env.withOwner { database in
                    var calls = 0
                    for try await total in try await database.query(
                        "select coalesce(sum(calls), 0)::int from usage_counters").decode(Int.self) {
                        calls = total
                    }
                    return calls
                }
            }
            #expect(flushed == 3)
        }
    }

    @Test func lastUseIsWrittenAtMostOnceAMinutePerKey() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("touch-a")
        let tracker = KeyUsageTracker()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func lastUsed() async throws -> Date? {
            try await env.withOwner { database in
                try await database.tenantTransaction(a.tenant.id) { try await APIKeyStore($0).all().first?.lastUsedAt }
            }
        }
        try await env.withApp { (database: Database) in
            tracker.recordUse(keyID: a.keyID, tenantID: a.tenant.id, at: start)
            tracker.recordUse(keyID: a.keyID, tenantID: a.tenant.id, at: start.addingTimeInterval(5))
            try await tracker.flush(database: database)
            #expect(try await lastUsed() == start)
            tracker.recordUse(keyID: a.keyID, tenantID: a.tenant.id, at: start.addingTimeInterval(59))
            try await tracker.flush(database: database)
            #expect(try await lastUsed() == start, "a use within the minute is not written")
            tracker.recordUse(keyID: a.keyID, tenantID: a.tenant.id, at: start.addingTimeInterval(61))
            try await tracker.flush(database: database)
            #expect(try await lastUsed() == start.addingTimeInterval(61))
        }
    }
}
