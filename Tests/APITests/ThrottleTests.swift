import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Persistence
import PostgresNIO
import Synchronization
import Testing
import TestSupport

/// Abuse resistance: failed authentication is throttled per key prefix and per client
/// address, bursts reach the key's tenant's audit log, and secrets never reach the log.
@Suite struct ThrottleTests {
    @Test func failuresAreCountedPerSourceInWindows() {
        let throttle = FailedAuthThrottle(limits: .init(perAddress: 3, perKeyPrefix: 2, window: 60, maxSources: 1_000))
        let start = Date(timeIntervalSince1970: 1_000_000)
        let key = FailedAuthThrottle.Source(address: "10.0.0.1", keyPrefix: "abcdefghijkl")
        #expect(!throttle.recordFailure(key, now: start))
        #expect(throttle.retryAfter(key, now: start) == nil)
        #expect(throttle.recordFailure(key, now: start.addingTimeInterval(10)), "the second reaches the key's limit")
        #expect(throttle.retryAfter(key, now: start.addingTimeInterval(10)) == 50)
        // The same address with another key prefix: the address has one failure left.
        let other = FailedAuthThrottle.Source(address: "10.0.0.1", keyPrefix: "zzzzzzzzzzzz")
        #expect(throttle.retryAfter(other, now: start.addingTimeInterval(10)) == nil)
        #expect(throttle.recordFailure(other, now: start.addingTimeInterval(11)))
        #expect(throttle.retryAfter(FailedAuthThrottle.Source(address: "10.0.0.1", keyPrefix: nil),
                                    now: start.addingTimeInterval(11)) == 49)
        #expect(throttle.retryAfter(FailedAuthThrottle.Source(address: "10.0.0.2", keyPrefix: nil),
                                    now: start.addingTimeInterval(11)) == nil)
        // The same key prefix from another address is counted apart: its holder is not locked out.
        #expect(throttle.retryAfter(.init(address: "10.0.0.9", keyPrefix: "abcdefghijkl"), now: start.addingTimeInterval(11)) == nil)
        // A new window forgives.
        #expect(throttle.retryAfter(key, now: start.addingTimeInterval(61)) == nil)
        #expect(!throttle.recordFailure(key, now: start.addingTimeInterval(61)))
    }

    @Test func theAddressLimitCanBeTurnedOffForDeploymentsBehindAProxy() {
        let throttle = FailedAuthThrottle(limits: .init(perAddress: 0, perKeyPrefix: 2, window: 60, maxSources: 100))
        let now = Date()
        for index in 0..<10 { throttle.recordFailure(.init(address: "10.0.0.1", keyPrefix: "k\(index)"), now: now) }
        #expect(throttle.retryAfter(.init(address: "10.0.0.1", keyPrefix: nil), now: now) == nil)
        #expect(throttle.retryAfter(.init(address: "10.0.0.1", keyPrefix: "k1"), now: now) == nil, "one failure each")
    }

    @Test func trackedSourcesStayBounded() {
        let throttle = FailedAuthThrottle(limits: .init(perAddress: 5, perKeyPrefix: 5, window: 60, maxSources: 100))
        let start = Date()
        for index in 0..<1_000 {
            throttle.recordFailure(.init(address: "10.0.\(index / 256).\(index % 256)", keyPrefix: nil),
                                   now: start.addingTimeInterval(Double(index) / 1_000))
        }
        // The newest sources are still counted after the oldest were dropped to stay within bounds.
        let later = start.addingTimeInterval(1)
        for _ in 0..<4 { throttle.recordFailure(.init(address: "10.0.3.231", keyPrefix: nil), now: later) }
        #expect(throttle.retryAfter(.init(address: "10.0.3.231", keyPrefix: nil), now: later) != nil)
        #expect(throttle.trackedSources <= 100)
    }

    @Test func guessingAKeysSecretIsThrottledAndAuditedInItsTenant() async throws {
        let env = try await TestEnvironment()
        let victim = try await env.createTenant("throttle-a")
        try await env.withApp { client in
            let guess = "Bearer pmo_live_\(victim.key.publicID)_\(String(repeating: "a", count: 52))"
            for attempt in 1...10 {
                let refused = try await client.call(.get, "/v1/projects", auth: guess)
                #expect(refused.status == .unauthorized, "attempt \(attempt)")
            }
            let throttled = try await client.call(.get, "/v1/projects", auth: guess)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.object["type"] as? String == "/problems/too-many-failed-attempts")
            let retryAfter = try #require(throttled.header("Retry-After").flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            // The key itself is throttled for the window from this address (the price of counting per key
            // prefix; another address is not affected, see failuresAreCountedPerSourceInWindows)…
            #expect(try await client.call(.get, "/v1/projects", auth: victim.authorization).status == .tooManyRequests)
            // …while other keys are not.
            let other = try await env.createKey(for: victim.tenant, scopes: [.projectsRead])
            #expect(try await client.call(.get, "/v1/projects", auth: other.authorization).status == .ok)
        }
        let audited = try await env.withOwner { database in
            var rows: [String] = []
            for try await (operation, actorType, resourceID) in try await database.query("""
                select operation, actor_type, resource_id from audit_events
                where tenant_id = \(victim.tenant.id) and actor_type = 'system'
                """).decode((String, String, UUID).self) {
                rows.append("\(operation) \(actorType) \(resourceID == victim.keyID)")
            }
            return rows
        }
        #expect(audited == ["throttleFailedAuthentication system true"], "one event per burst")
    }

    @Test func guessingInvitationsFromOneAddressIsThrottled() async throws {
        let env = try await TestEnvironment()
        // The production limit of 30, counted over an hour: on a loaded run (all suites at once, or a
        // Citus cluster) the 30 failures may take more than the production minute.
        try await env.withApp(testing: .live, authThrottle: .init(perAddress: 30, window: 3600)) { client in
            for attempt in 1...30 {
                let token = "pmo_inv_\(String(repeating: "b", count: 12))_\(String(repeating: "c", count: 51))\(attempt % 8 + 2)"
                let refused = try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)"}"#)
                #expect(refused.status == .notFound, "attempt \(attempt)")
            }
            let throttled = try await client.call(.post, "/v1/invitations/accept",
                                                  json: #"{"token":"pmo_inv_whatever"}"#)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.header("Retry-After") != nil)
        }
    }

    @Test func secretsNeverReachTheLog() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("log-secrets")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        let captured = CapturedLog()
        var logger = Logger(label: "pmo-test-capture") { _ in captured }
        logger.logLevel = .trace
        let secrets = try await env.withApp(logger: logger) { client in
            var secrets = [tenant.key.secret, owner.key.secret]
            let invited = try await client.call(.post, "/v1/members", auth: owner.authorization,
                                                json: #"{"email":"someone@example.com","role":"viewer"}"#)
            let invitation = try #require((invited.object["invitation"] as? [String: Any])?["token"] as? String)
            secrets.append(String(invitation.split(separator: "_").last!))
            let accepted = try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(invitation)"}"#)
            let token = try #require((accepted.object["accessToken"] as? [String: Any])?["token"] as? String)
            secrets.append(String(token.split(separator: "_").last!))
            // Failures log too: a wrong secret, a malformed header, a revoked key, bad JSON.
            _ = try await client.call(.get, "/v1/projects", auth: "Bearer pmo_live_\(tenant.key.publicID)_\(String(repeating: "q", count: 52))")
            _ = try await client.call(.get, "/v1/projects", auth: "Bearer \(tenant.key.secret)")
            _ = try await client.call(.post, "/v1/projects", auth: owner.authorization, json: #"{"code":"#)
            return secrets
        }
        let text = captured.text
        #expect(!text.isEmpty, "the capture works")
        for secret in secrets {
            #expect(!text.contains(secret), "a secret reached the log")
        }
        #expect(!text.contains("pmo_inv_"), "no invitation token in the log")
    }
}

/// A log handler that keeps every line (message and metadata) for the test to read.
final class CapturedLog: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let line = "\(event.level) \(event.message) \(event.metadata ?? [:]) \(event.source)"
        lines.withLock { $0.append(line) }
    }
}
