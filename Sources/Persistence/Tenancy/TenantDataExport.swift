import Crypto
import Domain
public import Foundation
public import Logging
public import PostgresNIO

/// A tenant's data as files: one NDJSON file per table that holds tenant rows (every row a JSON
/// object, in a stable order; secret hashes left out) and `manifest.json` with each file's row count
/// and SHA-256, read in one repeatable-read transaction so the files agree with one another.
/// `pmo-admin tenant export-data` writes them into a directory; the API's exports (`/v1/exports`)
/// pack the same files into one tar.
public struct TenantDataExport: Sendable {
    public struct File: Codable, Equatable, Sendable {
        public let table: String
        public let file: String
        public let rows: Int
        public let sha256: String
    }

    public struct Manifest: Codable, Equatable, Sendable {
        public struct Tenant: Codable, Equatable, Sendable {
            public let id: UUID
            public let slug: String
            public let name: String
            public let status: String
        }
        public var format = 1
        public let tenant: Tenant
        public let exportedAt: Date
        /// In foreign-key order: a table after those it refers to.
        public let tables: [File]
        /// Columns left out of the files, by table (secret hashes, an export's own archive).
        public let omittedColumns: [String: [String]]
    }

    /// The files of one export, as read: the NDJSON files in the manifest's order, then the manifest.
    public struct Snapshot: Sendable {
        public let manifest: Manifest
        public let files: [(name: String, contents: Data)]

        /// Every file, `manifest.json` last.
        public var allFiles: [(name: String, contents: Data)] {
            get throws { files + [("manifest.json", try TenantDataExport.encode(manifest))] }
        }
        public var rowCount: Int { manifest.tables.reduce(0) { $0 + $1.rows } }
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Writes the files into `directory` (created if missing; existing files of the same names are
    /// replaced) and returns the manifest it wrote. Reads as the database's role: the owner, for
    /// pmo-admin, reads every tenant table.
    public func write(slug: String, to directory: URL) async throws -> Manifest {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logger = database.logger
        let snapshot = try await database.transaction { connection in
            try await connection.query("set transaction isolation level repeatable read", logger: logger)
            let tenant = try await TenantStore.existing(slug: slug, lock: false, connection: connection, logger: logger)
            return try await Self.snapshot(of: tenant, for: .platform, connection, logger: logger, at: Date())
        }
        for file in try snapshot.allFiles {
            try file.contents.write(to: directory.appendingPathComponent(file.name))
        }
        return snapshot.manifest
    }

    /// Who an export is for: the platform's operator (`pmo-admin`: every row of the tenant), or the
    /// tenant's owners (`/v1/exports`: their data, without what the platform keeps about them).
    public enum Audience: Sendable {
        case platform, tenant

        /// Tables only the platform's own work fills: who looks after the tenant, its onboarding
        /// checklist, the invoice numbering and request replay records.
        public static let platformTables: Set<String> = ["operator_assignments", "onboarding_steps", "invoice_counters",
                                                          "idempotency_keys"]

        func includes(_ table: String) -> Bool { self == .platform || !Self.platformTables.contains(table) }

        /// Rows of `table` the audience does not see, as a condition on the row `t` (with `$1` the
        /// tenant): a tenant sees its invoices once issued, as the tenant API shows them.
        func rowCondition(_ table: String) -> String {
            guard self == .tenant else { return "" }
            switch table {
            case "invoices": return "and t.status <> 'draft'"
            case "invoice_lines", "invoice_payments":
                return "and t.invoice_id in (select i.id from invoices i where i.tenant_id = t.tenant_id and i.status <> 'draft')"
            default: return ""
            }
        }
    }

    /// Reads the tenant's rows from every tenant table the connection's role may read and the
    /// audience sees, in the caller's transaction (which should be repeatable read, and for the
    /// server's role bound to the tenant).
    public static func snapshot(of tenant: TenantRecord, for audience: Audience, _ connection: PostgresConnection,
                                logger: Logger, at now: Date) async throws -> Snapshot {
        var files: [(name: String, contents: Data)] = []
        var entries: [File] = []
        var omitted: [String: [String]] = [:]
        let tables = try await TenantTables.readable(try await TenantTables.inForeignKeyOrder(connection, logger: logger),
                                                     connection, logger: logger).filter(audience.includes)
        for table in tables {
            let left = try await TenantTables.omittedColumns(of: table, connection, logger: logger)
            if !left.isEmpty { omitted[table] = left }
            let rows = try await connection.query("""
                select (to_jsonb(t) - \(left)::text[])::text as line
                from \(unescaped: TenantTables.quoted(table)) t where t.tenant_id = \(tenant.id)
                \(unescaped: audience.rowCondition(table)) order by 1
                """, logger: logger)
            var data = Data()
            var count = 0
            for try await line in rows.decode(String.self) {
                data.append(contentsOf: line.utf8)
                data.append(UInt8(ascii: "\n"))
                count += 1
            }
            let name = table + ".ndjson"
            files.append((name, data))
            entries.append(File(table: table, file: name, rows: count, sha256: sha256(data)))
        }
        let manifest = Manifest(tenant: .init(id: tenant.id.uuid, slug: tenant.slug, name: tenant.name, status: tenant.status.rawValue),
                                exportedAt: now, tables: entries, omittedColumns: omitted)
        return Snapshot(manifest: manifest, files: files)
    }

    static func encode(_ manifest: Manifest) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(manifest)
    }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
