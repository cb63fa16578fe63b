import Foundation
import Persistence
import PostgresNIO
import Provisioning
import Testing
import TestSupport

/// `tenant apply`, `diff` and `export` with every section of a manifest, against a real database.
@Suite struct ManifestCLITests {
    static let example = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tenants/northwind-contact-centre.yaml")

    static func scratch(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmo-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    static func lines(_ output: String, starting prefix: String) -> [Substring] {
        output.split(separator: "\n").filter { $0.hasPrefix(prefix) }
    }

    /// The contact-centre example applied, diffed and exported: the export applies back with no
    /// change, and is the same manifest as the file it came from.
    @Test func aManifestRoundTripsThroughExport() async throws {
        let env = try await TestEnvironment()
        let source = try String(contentsOf: Self.example, encoding: .utf8)
        let original = try TenantManifest.parse(source)
        let file = try Self.scratch("northwind.yaml")
        try source.write(toFile: file, atomically: true, encoding: .utf8)

        let diff = try AdminCLITests.admin(["tenant", "diff", file], env: env)
        #expect(diff.status == 0, "\(diff.error)")
        #expect(diff.output.contains("+ tenant northwind-cc (plan professional)"))
        #expect(diff.output.contains("changes would be applied") || diff.output.contains("change(s) would be applied"))
        #expect(try await env.count("tenants") == 0, "a diff changes nothing")

        let applied = try AdminCLITests.admin(["tenant", "apply", file], env: env)
        #expect(applied.status == 0, "\(applied.error)")
        #expect(Self.lines(applied.output, starting: "+ member ").count == 4, "\(applied.output)")
        #expect(Self.lines(applied.output, starting: "invitation for ").count == 4)
        #expect(applied.output.contains("+ api client crm-sync [projects:read,projects:write]"))
        #expect(applied.output.contains("+ sso https://login.northwind.example/"))
        #expect(applied.output.contains("+ template Contact-centre site set-up (2,000 seats) (from the platform library)"))
        #expect(applied.output.contains("~ settings: holidays"))
        #expect(try await env.count("members") == 4)
        #expect(try await env.count("api_clients") == 2)
        #expect(try await env.count("sso_configs") == 1)
        #expect(try await env.count("templates") == 2)
        #expect(try await env.count("calendars") == 1)
        #expect(try await env.count("projects") == 2)

        let again = try AdminCLITests.admin(["tenant", "diff", file], env: env)
        #expect(again.output.contains("no changes"), "\(again.output)")

        let exported = try Self.scratch("exported.yaml")
        let export = try AdminCLITests.admin(["tenant", "export", "northwind-cc", "--out", exported], env: env)
        #expect(export.status == 0, "\(export.error)")
        let text = try String(contentsOfFile: exported, encoding: .utf8)
        #expect(try TenantManifest.parse(text) == original, "\(text)")
        let reapplied = try AdminCLITests.admin(["tenant", "apply", exported], env: env)
        #expect(reapplied.output.contains("no changes"), "\(reapplied.output)")
        let audited = try await env.count("audit_events")

        // A copy under another slug: the identity provider already belongs to the first tenant, so
        // the whole apply is refused and creates nothing; without SSO the copy matches the original.
        let copy = try Self.scratch("copy.yaml")
        try text.replacingOccurrences(of: "slug: northwind-cc", with: "slug: northwind-copy")
            .write(toFile: copy, atomically: true, encoding: .utf8)
        let refused = try AdminCLITests.admin(["tenant", "apply", copy], env: env)
        #expect(refused.status != 0)
        #expect(refused.error.contains("sso.issuer: another tenant trusts https://login.northwind.example/"), "\(refused.error)")
        #expect(try await env.count("tenants") == 1)
        #expect(try await env.count("audit_events") == audited)
        var withoutSSO = try TenantManifest.parse(text)
        withoutSSO.slug = "northwind-copy"
        withoutSSO.sso = nil
        try withoutSSO.yaml().write(toFile: copy, atomically: true, encoding: .utf8)
        #expect(try AdminCLITests.admin(["tenant", "apply", copy], env: env).status == 0)
        let copied = try AdminCLITests.admin(["tenant", "export", "northwind-copy"], env: env).output
        #expect(try TenantManifest.parse(copied) == withoutSSO, "\(copied)")
    }

    /// What only the database can refuse is refused by a diff too, and an apply that breaks a rule
    /// changes nothing at all.
    @Test func refusedManifestsChangeNothing() async throws {
        let env = try await TestEnvironment()
        let file = try Self.scratch("acme.yaml")
        let base = """
            slug: acme
            name: Acme
            plan: starter
            members:
              - email: owner@acme.example
                role: owner

            """
        try base.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try AdminCLITests.admin(["tenant", "apply", file], env: env).status == 0)
        let before = try await env.count("audit_events")

        try (base + "templates: [No such template]\n").write(toFile: file, atomically: true, encoding: .utf8)
        let unknown = try AdminCLITests.admin(["tenant", "diff", file], env: env)
        #expect(unknown.status != 0)
        #expect(unknown.error.contains("templates: the platform library has no template named No such template"), "\(unknown.error)")

        // The only owner (still invited, so not an active owner) may change role; once the tenant
        // has an active owner, demoting the last one is refused.
        try await env.withOwner { database in
            _ = try await database.query("update members set status = 'active', activated_at = now() where email = 'owner@acme.example'")
        }
        try base.replacingOccurrences(of: "role: owner", with: "role: viewer")
            .replacingOccurrences(of: "name: Acme", with: "name: Acme Renamed")
            .appending("projects:\n  - code: ACME-1\n    name: One\n    currency: EUR\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let demoted = try AdminCLITests.admin(["tenant", "apply", file], env: env)
        #expect(demoted.status != 0)
        #expect(demoted.error.contains("members: owner@acme.example is the tenant's last active owner"), "\(demoted.error)")
        #expect(try await env.count("projects") == 0)
        let shown = try AdminCLITests.admin(["tenant", "show", "acme", "--json"], env: env).output
        #expect(!shown.contains("Renamed"), "the rename before the refusal was rolled back: \(shown)")
        #expect(try await env.count("audit_events") == before)

        try "slug: acme\nname: Acme\nplan: starter\nstatus: onboarding\n".write(toFile: file, atomically: true, encoding: .utf8)
        let backwards = try AdminCLITests.admin(["tenant", "apply", file], env: env)
        #expect(backwards.error.contains("status: the tenant is active; it can move to"), "\(backwards.error)")
    }
}

/// Every platform write of the admin CLI is on the platform audit log, as the user who ran it.
@Suite struct PlatformAuditCLITests {
    @Test func theCLIsPlatformWritesAreAudited() async throws {
        let env = try await TestEnvironment()
        _ = try await env.createTenant("audited")
        let plan = try ManifestCLITests.scratch("plan.yaml")
        let terms = """
            code: audit-plan
            name: Audit plan
            currency: EUR
            baseFee: 1000
            rateLimit: {requestsPerSecond: 10, burst: 20}
            metrics:
              api_requests: {included: 1000, tiers: [{unitPrice: 1, per: 1000}]}

            """
        try terms.write(toFile: plan, atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["operator", "create", "--email", "am@pmo.example", "--role", "account_manager"],
            ["operator", "assign", "--email", "am@pmo.example", "--tenant", "audited"],
            ["operator", "assign", "--email", "am@pmo.example", "--tenant", "audited"],   // again: no change
            ["plan", "create", "--file", plan],
        ]
        for step in steps {
            let run = try AdminCLITests.admin(step, env: env)
            #expect(run.status == 0, "\(step): \(run.error)")
        }
        try terms.replacingOccurrences(of: "baseFee: 1000", with: "baseFee: 1200").write(toFile: plan, atomically: true, encoding: .utf8)
        for step in [["plan", "edit", "--file", plan], ["subscription", "change", "--tenant", "audited", "--plan", "audit-plan"],
                     ["plan", "archive", "audit-plan"]] {
            let run = try AdminCLITests.admin(step, env: env)
            #expect(run.status == 0, "\(step): \(run.error)")
        }
        let logged = try await env.withOwner { database in
            var rows: [String] = []
            for try await (operation, actor) in try await database.query("""
                select operation, actor from pmo.platform_audit_log order by id
                """).decode((String, String).self) {
                #expect(actor.hasPrefix("pmo-admin:"), "\(operation) by \(actor)")
                rows.append(operation)
            }
            return rows
        }
        #expect(logged == ["createTenant", "operator create", "operator assign", "createPlatformPlan", "addPlatformPlanVersion",
                           "changePlatformTenantSubscription", "archivePlatformPlan"], "\(logged)")
    }
}
