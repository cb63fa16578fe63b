import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Provisioning
import Testing
import TestSupport

/// Offboarding through the admin CLI: a tenant's data exported as files that check against their
/// manifest, and the tenant erased, proven by counting every tenant table the catalog has.
@Suite struct TenantDataCLITests {
    /// Rows of `tenant` in every table with a `tenant_id` column, found in the catalog by the test
    /// itself (not by the code under test).
    static func rowsEverywhere(_ tenant: UUID, env: TestEnvironment) async throws -> [String: Int64] {
        try await env.withOwner { database in
            var tables: [String] = []
            for try await name in try await database.query("""
                select c.relname from pg_attribute a join pg_class c on c.oid = a.attrelid
                join pg_namespace n on n.oid = c.relnamespace
                where a.attname = 'tenant_id' and not a.attisdropped and n.nspname = 'public' and c.relkind in ('r', 'p')
                """).decode(String.self) { tables.append(name) }
            var counts: [String: Int64] = [:]
            for table in tables {
                for try await count in try await database.query(
                    "select count(*) from \(unescaped: table) where tenant_id = \(tenant)").decode(Int64.self) {
                    counts[table] = count
                }
            }
            return counts
        }
    }

    @Test func anOffboardedTenantIsExportedThenErasedAndNothingOfItRemains() async throws {
        let env = try await TestEnvironment()
        let leaving = try await env.createTenant("leaving")
        let staying = try await env.createTenant("staying")
        _ = try await env.createMember(in: leaving.tenant, role: .projectManager, email: "pm@leaving.example")
        try await env.withApp { client in
            for tenant in [leaving, staying] {
                let project = try await client.call(.post, "/v1/projects", auth: tenant.authorization,
                                                    json: #"{"code":"P-1","name":"Project","currency":"EUR"}"#)
                #expect(project.status == .created)
                let item = try await client.call(.post, "/v1/projects/P-1/work-items", auth: tenant.authorization,
                                                 json: #"{"title":"Mobilise"}"#)
                #expect(item.status == .created, "\(item.body)")
            }
        }
        let before = try await Self.rowsEverywhere(leaving.tenant.id.uuid, env: env)
        let stayingBefore = try await Self.rowsEverywhere(staying.tenant.id.uuid, env: env)
        #expect(before["projects"] == 1 && before["work_items"] == 1 && before["members"] == 1)

        // The export: a file per tenant table, each matching its count and checksum.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmo-export-\(UUID().uuidString)")
        let exported = try AdminCLITests.admin(["tenant", "export-data", "leaving", "--out", directory.path], env: env)
        #expect(exported.status == 0, "\(exported.error)")
        let manifest = try JSONDecoder.iso8601.decode(TenantDataExport.Manifest.self,
                                                      from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        #expect(manifest.tenant.slug == "leaving")
        #expect(Set(manifest.tables.map(\.table)) == Set(before.keys), "every tenant table, from the catalog")
        for file in manifest.tables {
            let data = try Data(contentsOf: directory.appendingPathComponent(file.file))
            #expect(TenantDataExport.sha256(data) == file.sha256, "\(file.file)")
            let lines = data.split(separator: UInt8(ascii: "\n"))
            #expect(lines.count == file.rows && Int64(file.rows) == before[file.table], "\(file.table)")
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                #expect(object["tenant_id"] as? String == leaving.tenant.id.uuid.uuidString.lowercased())
                #expect(!object.keys.contains { $0.hasSuffix("_hash") }, "\(file.table) leaks a secret hash")
            }
        }
        #expect(manifest.omittedColumns["api_keys"] == ["secret_hash"])

        // The export loaded into a new tenant answers the API as the old one did.
        let imported = try AdminCLITests.admin(["tenant", "import-data", directory.path, "--slug", "arrived",
                                                "--name", "Arrived Ltd", "--plan", "starter"], env: env)
        #expect(imported.status == 0, "\(imported.error)")
        let arrivedTenant = try await env.withOwner { try await TenantStore(database: $0).find(slug: "arrived") }
        let arrived = try await env.createKey(for: arrivedTenant, scopes: [.projectsRead, .membersRead])
        try await env.withApp { client in
            for path in ["/v1/projects", "/v1/projects/P-1", "/v1/projects/P-1/work-items", "/v1/members"] {
                let old = try await client.call(.get, path, auth: leaving.authorization)
                let new = try await client.call(.get, path, auth: arrived.authorization)
                #expect(old.status == .ok && new.status == .ok, "\(path)")
                #expect(old.body == new.body, "\(path): \(old.body) vs \(new.body)")
            }
        }
        // A file that no longer matches its checksum is refused before anything is written.
        let tenantsBefore = try await env.count("tenants")
        let projects = directory.appendingPathComponent("projects.ndjson")
        try (try String(contentsOf: projects, encoding: .utf8)).replacingOccurrences(of: "Project", with: "Tampered")
            .write(to: projects, atomically: true, encoding: .utf8)
        let tampered = try AdminCLITests.admin(["tenant", "import-data", directory.path, "--slug", "tampered",
                                                "--name", "Tampered", "--plan", "starter"], env: env)
        #expect(tampered.status != 0)
        #expect(tampered.error.contains("projects.ndjson does not match its SHA-256"), "\(tampered.error)")
        #expect(try await env.count("tenants") == tenantsBefore)

        // Erasing needs offboarding first, and the slug repeated; a refusal erases nothing.
        let early = try AdminCLITests.admin(["tenant", "erase", "leaving", "--confirm", "leaving"], env: env)
        #expect(early.status != 0)
        #expect(early.error.contains("tenant leaving is active: only an offboarding tenant is erased"), "\(early.error)")
        #expect(try AdminCLITests.admin(["tenant", "offboard", "leaving", "--reason", "Contract ended"], env: env).status == 0)
        try await env.withApp { client in
            let refused = try await client.call(.get, "/v1/projects", auth: leaving.authorization)
            #expect(refused.status == .forbidden)
        }
        let offboarded = try await Self.rowsEverywhere(leaving.tenant.id.uuid, env: env)
        let mistyped = try AdminCLITests.admin(["tenant", "erase", "leaving", "--confirm", "staying"], env: env)
        #expect(mistyped.status != 0)
        #expect(try await Self.rowsEverywhere(leaving.tenant.id.uuid, env: env) == offboarded)

        let erased = try AdminCLITests.admin(["tenant", "erase", "leaving", "--confirm", "leaving"], env: env)
        #expect(erased.status == 0, "\(erased.error)")
        #expect(erased.output.contains("tables counted, 0 rows left; status deleted"), "\(erased.output)")
        let after = try await Self.rowsEverywhere(leaving.tenant.id.uuid, env: env)
        #expect(after.keys.count == before.keys.count && after.values.allSatisfy { $0 == 0 }, "\(after.filter { $0.value > 0 })")
        #expect(try await Self.rowsEverywhere(staying.tenant.id.uuid, env: env) == stayingBefore, "the other tenant is untouched")
        let shown = try AdminCLITests.admin(["tenant", "show", "leaving", "--json"], env: env).output
        #expect(shown.contains("\"deleted\""), "\(shown)")
        let audit = try await env.withOwner { database in
            var reasons: [String] = []
            for try await reason in try await database.query("""
                select reason from pmo.platform_audit_log where operation = 'eraseTenant' and subject_tenant_id = \(leaving.tenant.id)
                """).decode(String.self) { reasons.append(reason) }
            return reasons
        }
        #expect(audit.count == 1 && audit[0].contains("every table counted empty afterwards"), "\(audit)")
        #expect(try AdminCLITests.admin(["tenant", "erase", "leaving", "--confirm", "leaving"], env: env).status != 0, "erased once")

        // The tombstone takes no platform write, and is still there to read.
        let admin = try #require(try AdminCLITests.admin(["operator", "create", "--email", "admin@pmo.example", "--role",
                                                          "platform_admin"], env: env).output.split(separator: "\n").last)
        try await env.withApp { client in
            let path = "/v1/platform/tenants/\(leaving.tenant.id.uuid.uuidString.lowercased())"
            let read = try await client.call(.get, path, auth: "Bearer \(admin)")
            #expect(read.status == .ok && read.object["status"] as? String == "deleted", "\(read.body)")
            let rename = try await client.call(.patch, path, auth: "Bearer \(admin)", json: #"{"name":"Back"}"#)
            #expect(rename.status == .conflict && rename.object["type"] as? String == "/problems/tenant-state", "\(rename.body)")
            let plan = try await client.call(.post, path + "/subscription", auth: "Bearer \(admin)", json: #"{"plan":"enterprise"}"#)
            #expect(plan.status == .conflict, "\(plan.body)")
        }
        #expect(try await Self.rowsEverywhere(leaving.tenant.id.uuid, env: env).values.allSatisfy { $0 == 0 })
        #expect(try AdminCLITests.admin(["tenant", "suspend", "staying", "--reason", "   "], env: env).status != 0, "a blank reason")
    }

    @Test func anExportDownloadedThroughTheAPIImportsIntoANewTenantThatAnswersAlike() async throws {
        let env = try await TestEnvironment()
        let leaving = try await env.createTenant("api-leaving")
        let owner = try await env.createMember(in: leaving.tenant, role: .owner)
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"P-1","name":"Project","currency":"EUR"}"#)
            let item = try await client.call(.post, "/v1/projects/P-1/work-items", auth: owner.authorization,
                                             json: #"{"title":"Mobilise"}"#)
            #expect(project.status == .created && item.status == .created)
        }
        #expect(try AdminCLITests.admin(["tenant", "offboard", "api-leaving", "--reason", "Contract ended"], env: env).status == 0)
        // While offboarding, the owner can still take the data out, and nothing else.
        let archive = try await env.withApp(exportPollInterval: .milliseconds(100)) { client -> Data in
            let accepted = try await client.call(.post, "/v1/exports", auth: owner.authorization)
            #expect(accepted.status == .accepted, "\(accepted.body)")
            let id = try #require(accepted.object["id"] as? String)
            for _ in 0..<200 where try await client.call(.get, "/v1/exports/\(id)", auth: owner.authorization)
                .object["status"] as? String != "succeeded" {
                try await Task.sleep(for: .milliseconds(50))
            }
            let download = try await client.call(.get, "/v1/exports/\(id)/archive", auth: owner.authorization)
            #expect(download.status == .ok)
            return Data(download.body.readableBytesView)
        }
        let directory = try Archives.untar(archive)

        let imported = try AdminCLITests.admin(["tenant", "import-data", directory.path, "--slug", "api-arrived",
                                                "--name", "Arrived Ltd", "--plan", "starter"], env: env)
        #expect(imported.status == 0, "\(imported.error)")
        let arrivedTenant = try await env.withOwner { try await TenantStore(database: $0).find(slug: "api-arrived") }
        let arrived = try await env.createKey(for: arrivedTenant, scopes: [.projectsRead, .membersRead])
        // The old tenant answers no more (offboarding); what it answered is in its export's files.
        try await env.withApp { client in
            let projects = try await client.call(.get, "/v1/projects", auth: arrived.authorization)
            #expect((projects.object["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["P-1"])
            let items = try await client.call(.get, "/v1/projects/P-1/work-items", auth: arrived.authorization)
            #expect((items.object["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Mobilise"])
            let members = try await client.call(.get, "/v1/members", auth: arrived.authorization)
            #expect((members.object["items"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["owner"])
        }
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
