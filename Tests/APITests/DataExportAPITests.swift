import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import PostgresNIO
import Testing
import TestSupport
import UseCases

/// A tenant's owners export the organisation's data through the API: acknowledged at once,
/// written in the background, downloaded as a tar whose files match their manifest.
@Suite struct DataExportAPITests {
    @Test func anOwnersExportIsWrittenInTheBackgroundAndDownloadsAsATarMatchingItsManifest() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("export-a").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let other = try await env.createMember(in: try await env.createTenant("export-b").tenant, role: .owner)
        // An issued invoice (the tenant's) and a draft (the platform's work in progress).
        let (issued, draft) = try await Self.invoices(of: tenant.id, env: env)
        try await env.withApp(exportPollInterval: .milliseconds(100)) { client in
            #expect(try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                          json: #"{"code":"EXP-1","name":"Exported","currency":"EUR"}"#).status == .created)
            _ = try await client.call(.post, "/v1/projects", auth: other.authorization,
                                      json: #"{"code":"NOT-MINE","name":"Other tenant","currency":"EUR"}"#)
            let accepted = try await client.call(.post, "/v1/exports", auth: owner.authorization)
            #expect(accepted.status == .accepted)
            #expect(accepted.object["status"] as? String == "queued")
            let id = try #require(accepted.object["id"] as? String)
            #expect(accepted.header("Location") == "/v1/exports/\(id)")

            let done = try await Self.waitUntilFinished(id, auth: owner.authorization, client)
            #expect(done["status"] as? String == "succeeded")
            #expect(done["attempts"] as? Int == 1)
            #expect(done["downloadUrl"] as? String == "/v1/exports/\(id)/archive")
            let tableCount = try #require(done["tableCount"] as? Int)
            #expect(tableCount > 40)

            let download = try await client.call(.get, "/v1/exports/\(id)/archive", auth: owner.authorization)
            #expect(download.status == .ok)
            #expect(download.header("Content-Type") == "application/x-tar")
            let archive = Data(download.body.readableBytesView)
            #expect(done["sizeBytes"] as? Int == archive.count)
            #expect(done["sha256"] as? String == TenantDataExport.sha256(archive))

            // The system's tar reads it; every file matches the manifest, which counts the rows.
            let directory = try Archives.untar(archive)
            let manifest = try Self.decoder.decode(TenantDataExport.Manifest.self,
                                                          from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
            #expect(manifest.tenant.slug == "export-a")
            #expect(manifest.tables.count == tableCount)
            #expect(manifest.tables.reduce(0) { $0 + $1.rows } == done["rowCount"] as? Int)
            for file in manifest.tables {
                let data = try Data(contentsOf: directory.appendingPathComponent(file.file))
                #expect(TenantDataExport.sha256(data) == file.sha256, "\(file.file)")
                #expect(String(decoding: data, as: UTF8.self).split(separator: "\n").count == file.rows, "\(file.file)")
            }
            let projects = try String(contentsOf: directory.appendingPathComponent("projects.ndjson"), encoding: .utf8)
            #expect(projects.contains("EXP-1") && !projects.contains("NOT-MINE"))
            // Secret hashes stay out, and so does the export's own archive.
            #expect(manifest.omittedColumns["api_keys"] == ["secret_hash"])
            #expect(manifest.omittedColumns["data_exports"] == ["archive"])
            // The server's role reads no global credential directory, and the platform's own records
            // stay out: who looks after the tenant, its checklist, numbering, replay records, drafts.
            let tables = Set(manifest.tables.map(\.table))
            #expect(!tables.contains { $0.hasSuffix("_directory") })
            #expect(tables.isDisjoint(with: TenantDataExport.Audience.platformTables))
            #expect(tables.isSuperset(of: ["projects", "members", "audit_events", "invoices", "usage_counters"]))
            let invoices = try String(contentsOf: directory.appendingPathComponent("invoices.ndjson"), encoding: .utf8)
            #expect(invoices.contains(issued) && !invoices.contains(draft))
            let lines = try String(contentsOf: directory.appendingPathComponent("invoice_lines.ndjson"), encoding: .utf8)
            #expect(lines.contains(issued) && !lines.contains(draft))

            let listed = try await client.call(.get, "/v1/exports", auth: owner.authorization)
            #expect((listed.object["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
            // Another tenant's owner finds nothing of it.
            #expect(try await client.call(.get, "/v1/exports/\(id)", auth: other.authorization).status == .notFound)
            #expect(try await client.call(.get, "/v1/exports/\(id)/archive", auth: other.authorization).status == .notFound)
            #expect((try await client.call(.get, "/v1/exports", auth: other.authorization).object["items"] as? [Any])?.isEmpty == true)
        }
        let operations = try await env.auditOperations(tenant: tenant.id)
        #expect(operations == ["createDataExport", "createProject", "downloadDataExport"])
    }

    @Test func onlyOwnersExportAndAnOffboardingTenantMayStillExport() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("export-roles").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        let auditor = try await env.createMember(in: tenant, role: .auditor)
        try await env.withApp { client in
            for member in [admin, auditor] {
                let refused = try await client.call(.post, "/v1/exports", auth: member.authorization)
                #expect(refused.status == .forbidden)
                #expect(refused.object["type"] as? String == "/problems/insufficient-scope")
            }
        }
        #expect(try await env.count("data_exports", tenant: tenant.id) == 0)
        _ = try await env.withOwner { database in
            try await database.query("update tenants set status = 'offboarding' where id = \(tenant.id)")
        }
        try await env.withApp(exportPollInterval: .milliseconds(100)) { client in
            #expect(try await client.call(.get, "/v1/projects", auth: owner.authorization).status == .forbidden)
            let accepted = try await client.call(.post, "/v1/exports", auth: owner.authorization)
            #expect(accepted.status == .accepted)
            let id = try #require(accepted.object["id"] as? String)
            let done = try await Self.waitUntilFinished(id, auth: owner.authorization, client)
            #expect(done["status"] as? String == "succeeded")
            #expect(try await client.call(.get, "/v1/exports/\(id)/archive", auth: owner.authorization).status == .ok)
        }
    }

    @Test func badReferencesAndPagesAreRefusedAndChangeNothing() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("export-bad").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            for path in ["/v1/exports/not-a-uuid", "/v1/exports/not-a-uuid/archive",
                         "/v1/exports/\(UUID().uuidString.lowercased())", "/v1/exports/\(UUID().uuidString.lowercased())/archive"] {
                let missing = try await client.call(.get, path, auth: owner.authorization)
                #expect(missing.status == .notFound && missing.object["type"] as? String == "/problems/not-found", "\(path)")
            }
            for query in ["limit=0", "limit=201", "cursor=%%%"] {
                #expect(try await client.call(.get, "/v1/exports?\(query)", auth: owner.authorization).status == .badRequest, "\(query)")
            }
            let badKey = try await client.call(.post, "/v1/exports", auth: owner.authorization,
                                               headers: ["Idempotency-Key": String(repeating: "k", count: 256)])
            #expect(badKey.status == .badRequest)
        }
        #expect(try await env.count("data_exports", tenant: tenant.id) == 0)
    }

    @Test func anAcknowledgedExportWaitsOutARestartAndIsNotDownloadableBeforeItSucceeds() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("export-restart").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        // The runner looks once at start, then not for an hour: the export stays queued.
        let id = try await env.withApp(exportPollInterval: .seconds(3600)) { client in
            try await Task.sleep(for: .milliseconds(300))
            let accepted = try await client.call(.post, "/v1/exports", auth: owner.authorization,
                                                 headers: ["Idempotency-Key": "export-once"])
            #expect(accepted.status == .accepted)
            let id = try #require(accepted.object["id"] as? String)
            let retried = try await client.call(.post, "/v1/exports", auth: owner.authorization,
                                                headers: ["Idempotency-Key": "export-once"])
            #expect(retried.status == .accepted)
            #expect(retried.object["id"] as? String == id)
            // One export at a time: another while this one waits is refused, and nothing is queued.
            let second = try await client.call(.post, "/v1/exports", auth: owner.authorization)
            #expect(second.status == .conflict && second.object["type"] as? String == "/problems/export-pending")
            let early = try await client.call(.get, "/v1/exports/\(id)/archive", auth: owner.authorization)
            #expect(early.status == .conflict)
            #expect(early.object["type"] as? String == "/problems/export-not-ready")
            #expect(try await client.call(.get, "/v1/exports/\(id)", auth: owner.authorization).object["status"] as? String == "queued")
            return id
        }
        #expect(try await env.count("data_exports", tenant: tenant.id) == 1)
        // The next server process takes it up.
        try await env.withApp(exportPollInterval: .milliseconds(100)) { client in
            let done = try await Self.waitUntilFinished(id, auth: owner.authorization, client)
            #expect(done["status"] as? String == "succeeded")
        }
        #expect(try await Self.queued(env) == 0)
    }

    @Test func anExportWhoseRunnersKeptDyingIsFailedForGoodWithAMessage() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("export-dying").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let id = try await env.withApp(exportPollInterval: .seconds(3600)) { client in
            try await Task.sleep(for: .milliseconds(300))
            return try #require(try await client.call(.post, "/v1/exports", auth: owner.authorization).object["id"] as? String)
        }
        // As three runners leave it when each dies mid-export: running, three attempts, its claim lapsed.
        try await env.withOwner { database in
            try await database.query("""
                update data_exports set status = 'running', attempts = \(DataExportStatus.maximumAttempts)
                where tenant_id = \(tenant.id) and id = \(UUID(uuidString: id)!)
                """)
            try await database.query("update pmo.data_export_queue set claimed_until = now() - interval '1 minute'")
        }
        let (ran, ranAgain) = try await env.withApp { (database: Database) -> (Bool, Bool) in
            let runner = DataExportRunner(database: database, environment: .live, logger: TestCluster.logger)
            return (try await runner.runNext(), try await runner.runNext())
        }
        #expect(ran && !ranAgain)
        try await env.withApp { client in
            let failed = try await client.call(.get, "/v1/exports/\(id)", auth: owner.authorization)
            #expect(failed.object["status"] as? String == "failed")
            #expect(failed.object["failure"] as? String == DataExportRunner.failure)
            #expect(failed.object["attempts"] as? Int == DataExportStatus.maximumAttempts + 1)
            #expect(try await client.call(.get, "/v1/exports/\(id)/archive", auth: owner.authorization).status == .conflict)
        }
        #expect(try await Self.queued(env) == 0)
    }

    static let decoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// An issued invoice and a draft of the tenant (made as the invoice run would), by id.
    static func invoices(of tenant: TenantID, env: TestEnvironment) async throws -> (issued: String, draft: String) {
        try await env.withOwner { database in
            try await database.tenantTransaction(tenant) { scope in
                let store = InvoiceStore(scope)
                let lines = [InvoiceLineDraft(kind: .baseFee, description: "Base fee", metric: nil, quantity: 30,
                                              unitPrice: 1_000, per: 30, amount: 1_000)]
                let issued = try await store.create(InvoiceDraft(currency: "EUR", lines: lines),
                                                    period: BillingPeriod(starting: YearMonth("2026-10")!, anchorDay: 1),
                                                    id: Domain.Environment.live.newID(), at: Date())
                _ = try await store.issue(issued.id, at: Date())
                let draft = try await store.create(InvoiceDraft(currency: "EUR", lines: lines),
                                                   period: BillingPeriod(starting: YearMonth("2026-11")!, anchorDay: 1),
                                                   id: Domain.Environment.live.newID(), at: Date())
                return (issued.id.uuidString.lowercased(), draft.id.uuidString.lowercased())
            }
        }
    }

    static func waitUntilFinished(_ id: String, auth: String, _ client: some TestClientProtocol) async throws -> [String: Any] {
        for _ in 0..<200 {
            let export = try await client.call(.get, "/v1/exports/\(id)", auth: auth).object
            if let status = export["status"] as? String, status == "succeeded" || status == "failed" { return export }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("export \(id) did not finish in 10 s")
        return [:]
    }

    static func queued(_ env: TestEnvironment) async throws -> Int {
        try await env.withOwner { database in
            try await database.query("select count(*)::int from pmo.data_export_queue").rows.first?.decode(Int.self) ?? -1
        }
    }
}
