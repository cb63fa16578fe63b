import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Platform operators: operator keys only on /v1/platform/..., tenant credentials never
/// there, and account managers see only the tenants assigned to them.
@Suite struct PlatformAPITests {
    static func admin(_ arguments: [String], env: TestEnvironment) throws -> Binaries.Finished {
        try Binaries.run("pmo-admin", arguments: arguments, environment: ["DATABASE_URL": try env.ownerURL.connectionString])
    }

    static func operatorKey(_ email: String, role: String, env: TestEnvironment) throws -> String {
        let created = try admin(["operator", "create", "--email", email, "--role", role], env: env)
        #expect(created.status == 0, "\(created.error)")
        return try #require(created.output.split(separator: "\n").last.map(String.init))
    }

    @Test func accountManagersSeeTheirTenantsAndAdminsSeeAll() async throws {
        let env = try await TestEnvironment()
        let mine = try await env.createTenant("platform-mine", plan: "professional")
        let other = try await env.createTenant("platform-other")
        let manager = try Self.operatorKey("am@pmo.example", role: "account_manager", env: env)
        let admin = try Self.operatorKey("admin@pmo.example", role: "platform_admin", env: env)
        #expect(manager.hasPrefix("pmo_op_"))
        #expect(try Self.admin(["operator", "assign", "--email", "am@pmo.example", "--tenant", "platform-mine"], env: env).status == 0)
        #expect(try Self.admin(["operator", "assign", "--email", "am@pmo.example", "--tenant", "platform-mine"], env: env).status == 0,
                "assigning twice changes nothing")
        let unknown = try Self.admin(["operator", "assign", "--email", "nobody@pmo.example", "--tenant", "platform-mine"], env: env)
        #expect(unknown.status != 0 && unknown.error.contains("unknown operator"))
        #expect(try Self.admin(["operator", "create", "--email", "am@pmo.example", "--role", "platform_admin"], env: env).status != 0)

        try await env.withApp { client in
            let managed = try await client.call(.get, "/v1/platform/tenants", auth: "Bearer \(manager)")
            #expect(managed.status == .ok)
            #expect((managed.object["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["platform-mine"])
            let all = try await client.call(.get, "/v1/platform/tenants?limit=1", auth: "Bearer \(admin)")
            #expect((all.object["items"] as? [Any])?.count == 1)
            let rest = try await client.call(.get, "/v1/platform/tenants?cursor=\(try #require(all.object["nextCursor"] as? String))",
                                             auth: "Bearer \(admin)")
            #expect((rest.object["items"] as? [Any])?.count == 1)

            let own = try await client.call(.get, "/v1/platform/tenants/\(mine.tenant.id)", auth: "Bearer \(manager)")
            #expect(own.object["slug"] as? String == "platform-mine")
            #expect(own.object["plan"] as? String == "professional")
            let notMine = try await client.call(.get, "/v1/platform/tenants/\(other.tenant.id)", auth: "Bearer \(manager)")
            #expect(notMine.status == .notFound)
            #expect(try await client.call(.get, "/v1/platform/tenants/\(other.tenant.id)", auth: "Bearer \(admin)").status == .ok)

            // Each credential stays on its own side, and a forged operator key is 401.
            for (path, auth) in [("/v1/platform/tenants", mine.authorization), ("/v1/projects", "Bearer \(admin)"),
                                 ("/v1/members/me", "Bearer \(manager)")] {
                let refused = try await client.call(.get, path, auth: auth)
                #expect(refused.status == .forbidden, "\(path)")
                #expect(refused.object["type"] as? String == "/problems/insufficient-scope")
            }
            // Bad input: a reference that is no id, a page size out of range, a cursor we never gave.
            #expect(try await client.call(.get, "/v1/platform/tenants/not-a-uuid", auth: "Bearer \(admin)").status == .notFound)
            #expect(try await client.call(.get, "/v1/platform/tenants?limit=0", auth: "Bearer \(admin)").status == .badRequest)
            #expect(try await client.call(.get, "/v1/platform/tenants?cursor=xyz", auth: "Bearer \(admin)").status == .badRequest)
            let forged = String(manager.dropLast(3)) + "aaa"
            #expect(try await client.call(.get, "/v1/platform/tenants", auth: "Bearer \(forged)").status == .unauthorized)
        }
        let listed = try Self.admin(["operator", "list"], env: env).output
        #expect(listed.contains("am@pmo.example") && listed.contains("platform-mine") && listed.contains("all"))
    }
}
