public import Domain
public import Foundation
public import Persistence
import PostgresNIO

/// A tenant's data export (`TenantDataExport`) loaded into a new tenant: every row of its files under
/// the new tenant's id, in the manifest's foreign-key order, in one transaction. The ids stay (every
/// key of a tenant table includes `tenant_id`), so what the API answers for the new tenant is what
/// it answered for the old one. Left out: what belongs to the platform or to the old tenant's
/// credentials rather than to its work (`notCopied`); the new tenant starts its own subscription.
public struct TenantDataImport: Sendable {
    /// Tables whose rows are not copied: credentials and their global directories (a key, an
    /// invitation or an identity provider belongs to one tenant), request replay records, the
    /// platform's assignments and billing and usage history, the onboarding checklist, and the old
    /// tenant's data exports (their archives are not in an export).
    public static let notCopied: Set<String> = [
        "api_keys", "api_key_directory", "invitation_directory", "sso_configs", "sso_directory", "idempotency_keys",
        "operator_assignments", "subscriptions", "invoices", "invoice_lines", "invoice_payments", "invoice_counters",
        "usage_counters", "usage_gauges", "usage_alerts", "onboarding_steps", "data_exports",
    ]
    /// Columns cleared on the way in: a member's invitation belongs to the old tenant's directory.
    static let cleared: [String: [String]] = ["members": ["invitation_public_id"]]

    /// The export does not match its manifest, or names a table this database does not have.
    public struct DamagedExport: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Outcome: Sendable {
        public let tenant: TenantRecord
        /// Rows copied, by table, in the order they were written.
        public let copied: [(table: String, rows: Int)]
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Checks every file against the manifest (row count and SHA-256) before anything is written,
    /// then, in one transaction, creates the tenant (`active`, on `plan` from today) and copies the
    /// rows: a failure leaves no tenant behind.
    public func load(from directory: URL, slug: String, name: String, plan: String, id: TenantID) async throws -> Outcome {
        let manifest: TenantDataExport.Manifest
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            manifest = try decoder.decode(TenantDataExport.Manifest.self,
                                          from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        } catch {
            throw DamagedExport(description: "\(directory.path)/manifest.json cannot be read: \(error.localizedDescription)")
        }
        var files: [(TenantDataExport.File, [Substring])] = []
        for file in manifest.tables where !Self.notCopied.contains(file.table) {
            guard !file.file.contains("/"), let data = try? Data(contentsOf: directory.appendingPathComponent(file.file)) else {
                throw DamagedExport(description: "\(file.file) is missing")
            }
            guard TenantDataExport.sha256(data) == file.sha256 else {
                throw DamagedExport(description: "\(file.file) does not match its SHA-256 in manifest.json")
            }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            guard lines.count == file.rows else {
                throw DamagedExport(description: "\(file.file) holds \(lines.count) rows; manifest.json says \(file.rows)")
            }
            files.append((file, lines))
        }
        let today = CalendarDate(utcDate: Date())
        let logger = database.logger
        return try await database.transaction { connection in
            let version = try await PlanStore(connection: connection, logger: logger).subscribable(code: plan)
            let known = Set(try await TenantTables.inForeignKeyOrder(connection, logger: logger))
            let (tenant, _) = try await TenantStore.insert(id: id, slug: slug, name: name, status: .active, statusChangedAt: Date(),
                                                           on: version, from: today, subscriptionID: Domain.Environment.live.newID(),
                                                           connection: connection, logger: logger)
            var copied: [(table: String, rows: Int)] = []
            for (file, lines) in files {
                guard known.contains(file.table) else {
                    throw DamagedExport(description: "\(file.table) is not a tenant table of this database")
                }
                let cleared = Self.cleared[file.table] ?? []
                for line in lines {
                    // One row per statement, as VALUES: Citus routes it to the new tenant's shard.
                    try await connection.query("""
                        insert into \(unescaped: TenantTables.quoted(file.table))
                        values ((jsonb_populate_record(null::\(unescaped: TenantTables.quoted(file.table)),
                            (\(String(line))::jsonb - \(cleared)::text[]) || jsonb_build_object('tenant_id', \(id)::uuid))).*)
                        """, logger: logger)
                }
                copied.append((file.table, lines.count))
            }
            try await TenantStore.auditOnPlatform(
                "importTenantData", tenant: id, changed: ["slug", "name", "plan"] + copied.filter { $0.rows > 0 }.map { "\($0.table):\($0.rows)" },
                reason: "from the export of \(manifest.tenant.slug) (\(manifest.tenant.id.uuidString.lowercased()))",
                connection: connection, logger: logger)
            return Outcome(tenant: tenant, copied: copied)
        }
    }
}
