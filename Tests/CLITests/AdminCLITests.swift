import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// `pmo-admin` as operators run it: the real binary against a test database.
@Suite struct AdminCLITests {
    static func admin(_ arguments: [String], env: TestEnvironment, databaseURL: String? = nil) throws -> Binaries.Finished {
        try Binaries.run("pmo-admin", arguments: arguments,
                         environment: ["DATABASE_URL": try databaseURL ?? env.ownerURL.connectionString])
    }

    @Test func tenantsAndKeysCreatedWithTheCLIAreIsolated() async throws {
        let env = try await TestEnvironment()
        #expect(try Self.admin(["tenant", "create", "--slug", "cli-a", "--name", "A Ltd", "--plan", "starter"], env: env).status == 0)
        #expect(try Self.admin(["tenant", "create", "--slug", "cli-b", "--name", "B Ltd", "--plan", "enterprise"], env: env).status == 0)
        let keyA = try Self.admin(["key", "create", "--tenant", "cli-a", "--name", "ci", "--scopes", "projects:read,projects:write"], env: env)
        let keyB = try Self.admin(["key", "create", "--tenant", "cli-b", "--name", "ci", "--scopes", "projects:read,projects:write"], env: env)
        let tokenA = try #require(keyA.output.split(separator: "\n").last.map(String.init))
        let tokenB = try #require(keyB.output.split(separator: "\n").last.map(String.init))
        #expect(tokenA.hasPrefix("pmo_live_"))

        try await env.withApp { client in
            let created = try await client.call(.post, "/v1/projects", auth: "Bearer \(tokenA)",
                                                json: #"{"code":"A-1","name":"A's","currency":"EUR"}"#)
            #expect(created.status == .created)
            #expect(try await client.call(.get, "/v1/projects/A-1", auth: "Bearer \(tokenB)").status == .notFound)
            #expect(try await client.call(.patch, "/v1/projects/A-1", auth: "Bearer \(tokenB)", json: #"{"name":"x"}"#).status == .notFound)
            #expect(try await client.call(.delete, "/v1/projects/A-1", auth: "Bearer \(tokenB)").status == .notFound)

            let publicID = tokenA.split(separator: "_")[2]
            let revoke = try Self.admin(["key", "revoke", "--tenant", "cli-a", String(publicID)], env: env)
            #expect(revoke.status == 0, "\(revoke.error)")
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(tokenA)").status == .unauthorized)
        }
        let list = try Self.admin(["tenant", "list", "--json"], env: env)
        let tenants = try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [[String: Any]]
        #expect(tenants?.compactMap { $0["slug"] as? String } == ["cli-a", "cli-b"])
        let table = try Self.admin(["tenant", "list"], env: env).output
        #expect(table.hasPrefix("SLUG"))
        let keys = try Self.admin(["key", "list", "--tenant", "cli-a"], env: env).output
        #expect(keys.contains("revoked"))
        #expect(!keys.contains(tokenA))
    }

    @Test func theFirstOwnerIsInvitedWithTheCLIAndAcceptsThroughTheAPI() async throws {
        let env = try await TestEnvironment()
        _ = try await env.createTenant("cli-m")
        let invite = try Self.admin(["member", "invite", "--tenant", "cli-m", "--email", "Boss@Example.com", "--role", "owner"], env: env)
        #expect(invite.status == 0, "\(invite.error)")
        let token = try #require(invite.output.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("pmo_inv_"))
        try await env.withApp { client in
            let accepted = try await client.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)"}"#)
            #expect(accepted.status == .ok)
            let secret = try #require((accepted.object["accessToken"] as? [String: Any])?["token"] as? String)
            let invited = try await client.call(.post, "/v1/members", auth: "Bearer \(secret)",
                                                json: #"{"email":"auditor@example.com","role":"auditor"}"#)
            #expect(invited.status == .created, "an owner can give every role")
        }
        let duplicate = try Self.admin(["member", "invite", "--tenant", "cli-m", "--email", "boss@example.com", "--role", "viewer"], env: env)
        #expect(duplicate.status != 0)
        #expect(duplicate.error.contains("boss@example.com is already a member"), "\(duplicate.error)")
        for bad in [["--email", "nope", "--role", "viewer"], ["--email", "x@example.com", "--role", "king"]] {
            let refused = try Self.admin(["member", "invite", "--tenant", "cli-m"] + bad, env: env)
            #expect(refused.status != 0)
            #expect(refused.error.split(separator: "\n").count == 1, "\(refused.error)")
        }
        let listed = try Self.admin(["member", "list", "--tenant", "cli-m"], env: env).output
        #expect(listed.contains("boss@example.com") && listed.contains("auditor@example.com") && listed.contains("invited"))
    }

    /// On a single server the command refuses, saying why; on Citus (./infra/test-citus) the migrator
    /// has placed every table already, and the command says so, table by table.
    @Test func citusDistributeIsIdempotentAndSaysWhatItDid() async throws {
        let env = try await TestEnvironment()
        let run = try Self.admin(["citus", "distribute"], env: env)
        guard TestCluster.isCitus else {
            #expect(run.status != 0)
            #expect(run.error.contains("no citus extension"), "\(run.error)")
            return
        }
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.contains("already reference tenants"))
        #expect(lines.contains("already distributed projects"))
        #expect(lines.last?.hasPrefix("0 tables placed now, ") == true, "\(run.output)")
    }

    @Test func suspendAndResume() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("cli-s")
        #expect(try Self.admin(["tenant", "suspend", "cli-s"], env: env).status != 0, "a suspension states its reason")
        #expect(try Self.admin(["tenant", "suspend", "cli-s", "--reason", "Unpaid"], env: env).output.contains("active → suspended"))
        try await env.withApp { client in
            let response = try await client.call(.get, "/v1/projects", auth: a.authorization)
            #expect(response.status == .forbidden)
        }
        #expect(try Self.admin(["tenant", "resume", "cli-s", "--reason", "Paid"], env: env).status == 0)
        #expect(try Self.admin(["tenant", "show", "cli-s"], env: env).output.contains("active"))
        let resumeAgain = try Self.admin(["tenant", "resume", "cli-s", "--reason", "Paid"], env: env)
        #expect(resumeAgain.output.contains("already active"))
        // createTenant (fixture), suspendTenant, resumeTenant: all by an operator.
        let operations = try await env.withOwner { database in
            var operations: [String] = []
            for try await (operation, actor) in try await database.query(
                "select operation, actor_type from audit_events order by occurred_at"
            ).decode((String, String).self) {
                operations.append("\(actor) \(operation)")
            }
            return operations
        }
        #expect(operations == ["operator createTenant", "operator suspendTenant", "operator resumeTenant"])
        // The platform audit log has them too, with the reasons, as the user who ran the CLI.
        let platform = try await env.withOwner { database in
            var events: [String] = []
            for try await (operation, actor, reason) in try await database.query(
                "select operation, actor, reason from pmo.platform_audit_log order by id"
            ).decode((String, String, String?).self) {
                events.append("\(actor.hasPrefix("pmo-admin:")) \(operation) \(reason ?? "-")")
            }
            return events
        }
        #expect(platform == ["true createTenant -", "true suspendTenant Unpaid", "true resumeTenant Paid"])
    }

    @Test func aSuspensionFollowsTheLifecycle() async throws {
        let env = try await TestEnvironment()
        _ = try await env.createTenant("cli-l")
        try await env.withOwner { database in
            _ = try await database.query("update tenants set status = 'offboarding' where slug = 'cli-l'")
        }
        let refused = try Self.admin(["tenant", "resume", "cli-l", "--reason", "Changed our mind"], env: env)
        #expect(refused.status != 0)
        #expect(refused.error.contains("cannot make it active (allowed: none)"), "\(refused.error)")
    }

    @Test func operatorsAreDisabledAndTheirKeysRevoked() async throws {
        let env = try await TestEnvironment()
        _ = try await env.createTenant("cli-o")
        let created = try Self.admin(["operator", "create", "--email", "gone@pmo.example", "--role", "platform_admin"], env: env)
        let key = try #require(created.output.split(separator: "\n").last.map(String.init))
        let second = try Self.admin(["operator", "create", "--email", "left@pmo.example", "--role", "account_manager"], env: env)
        let other = try #require(second.output.split(separator: "\n").last.map(String.init))
        try await env.withApp { client in
            #expect(try await client.call(.get, "/v1/platform/tenants", auth: "Bearer \(key)").status == .ok)
            let revoked = try Self.admin(["operator", "revoke-key", key], env: env)
            let again = try Self.admin(["operator", "revoke-key", key], env: env)
            #expect(revoked.output.contains("revoked operator key"))
            #expect(again.output.contains("revoked already"))
            #expect(try await client.call(.get, "/v1/platform/tenants", auth: "Bearer \(key)").status == .unauthorized)

            #expect(try await client.call(.get, "/v1/platform/tenants", auth: "Bearer \(other)").status == .ok)
            let disabled = try Self.admin(["operator", "disable", "--email", "Left@pmo.example"], env: env)
            #expect(disabled.output.contains("disabled operator"))
            #expect(try await client.call(.get, "/v1/platform/tenants", auth: "Bearer \(other)").status == .unauthorized)
        }
        let unknown = try Self.admin(["operator", "disable", "--email", "nobody@pmo.example"], env: env)
        #expect(unknown.status != 0 && unknown.error.contains("unknown operator: nobody@pmo.example"))
        #expect(try Self.admin(["operator", "revoke-key", "nokey"], env: env).error.contains("unknown operator key: nokey"))
        let operations = try await env.withOwner { database in
            var operations: [String] = []
            for try await operation in try await database.query(
                "select operation from pmo.platform_audit_log where operation <> 'operator create' order by id").decode(String.self) {
                operations.append(operation)
            }
            return operations
        }
        #expect(operations == ["createTenant", "operator revoke-key", "operator disable"], "\(operations)")
    }

    @Test func failuresExitNonZeroWithOneClearLine() async throws {
        let env = try await TestEnvironment()
        _ = try await env.createTenant("cli-f")
        let cases: [([String], String)] = [
            (["tenant", "create", "--slug", "cli-f", "--name", "Again", "--plan", "starter"], "cli-f exists already"),
            (["tenant", "show", "nobody"], "unknown tenant: nobody"),
            (["tenant", "create", "--slug", "Bad Slug", "--name", "X", "--plan", "starter"], "invalid slug"),
            (["tenant", "create", "--slug", "cli-g", "--name", "X", "--plan", "gold"], "unknown plan gold"),
            (["key", "create", "--tenant", "cli-f", "--name", "x", "--scopes", "projects:admin"], "unknown scope projects:admin"),
            (["key", "revoke", "--tenant", "cli-f", "nokey"], "unknown API key: nokey"),
        ]
        for (arguments, message) in cases {
            let run = try Self.admin(arguments, env: env)
            #expect(run.status != 0, "\(arguments)")
            let lines = run.error.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(run.error)")
            #expect(run.error.contains(message), "\(arguments): \(run.error)")
        }
        let unreachable = try Self.admin(["tenant", "list"], env: env,
                                         databaseURL: "postgres://pmo_owner@127.0.0.1:1/nowhere")
        #expect(unreachable.status != 0)
        #expect(unreachable.error.contains("127.0.0.1:1"), "\(unreachable.error)")
        #expect(unreachable.error.split(separator: "\n").count == 1, "\(unreachable.error)")
    }

    @Test func applyIsIdempotentAndDryRunChangesNothing() async throws {
        let env = try await TestEnvironment()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmo-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("acme.yaml").path
        try """
        slug: acme
        name: Acme Services
        plan: starter
        apiKeys:
          - name: feed
            scopes: [projects:read]
        projects:
          - code: ACME-1
            name: Site move
            currency: EUR
        """.write(toFile: file, atomically: true, encoding: .utf8)

        let dry = try Self.admin(["tenant", "apply", file, "--dry-run"], env: env)
        #expect(dry.output.contains("+ tenant acme"), "\(dry.output)\(dry.error)")
        #expect(dry.output.contains("dry run"))
        #expect(try await env.count("tenants") == 0)

        let first = try Self.admin(["tenant", "apply", file], env: env)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("+ project ACME-1"))
        #expect(first.output.contains("api key feed: pmo_live_"))
        let second = try Self.admin(["tenant", "apply", file], env: env)
        #expect(second.output.contains("no changes"), "\(second.output)")
        #expect(try await env.count("projects") == 1)
        #expect(try await env.count("api_keys") == 1)

        try (try String(contentsOfFile: file, encoding: .utf8)).replacingOccurrences(of: "plan: starter", with: "plan: enterprise")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let third = try Self.admin(["tenant", "apply", file], env: env)
        #expect(third.output.contains("~ tenant plan: starter → enterprise"), "\(third.output)")
        // Changed on the day the subscription started: the one stretch now names enterprise.
        #expect(try await env.count("subscriptions") == 1)
        let shown = try Self.admin(["tenant", "show", "acme", "--json"], env: env)
        #expect(shown.output.contains("enterprise") && !shown.output.contains("starter"), "\(shown.output)")
    }

    @Test func invalidManifestNamesTheFieldAndLine() async throws {
        let env = try await TestEnvironment()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml").path
        try "slug: acme\nname: Acme\nplan: Gold Plan\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try Self.admin(["tenant", "apply", file], env: env)
        #expect(run.status != 0)
        #expect(run.error.contains("line 3"), "\(run.error)")
        #expect(run.error.contains("plan"), "\(run.error)")
        // A well-formed code the catalogue does not have: refused by a dry run and by an apply.
        try "slug: acme\nname: Acme\nplan: gold\n".write(toFile: file, atomically: true, encoding: .utf8)
        for arguments in [["tenant", "apply", file, "--dry-run"], ["tenant", "apply", file]] {
            let unknown = try Self.admin(arguments, env: env)
            #expect(unknown.status != 0 && unknown.error.contains("unknown plan gold"), "\(unknown.error)")
        }
        let created = try Self.admin(["tenant", "create", "--slug", "acme", "--name", "Acme", "--plan", "gold"], env: env)
        #expect(created.status != 0 && created.error.contains("unknown plan gold"), "\(created.error)")
        #expect(try await env.count("tenants") == 0)
        #expect(try await env.count("subscriptions") == 0)
    }

    @Test func usageReportForAMonth() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("cli-u")
        try await env.withApp { client in
            for _ in 0..<4 { _ = try await client.call(.get, "/v1/projects", auth: a.authorization) }
        }
        let month = String(ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!,
                                                       formatOptions: [.withFullDate]).prefix(7))
        let run = try Self.admin(["usage", "--tenant", "cli-u", "--month", month, "--json"], env: env)
        #expect(run.status == 0, "\(run.error)")
        let report = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        let operations = report?["operations"] as? [[String: Any]] ?? []
        #expect((operations.first { $0["operationId"] as? String == "listProjects" }?["calls"] as? [String: Int])?["2xx"] == 4)
    }
}
