import Crypto
import Domain
public import Foundation
public import Persistence
import PostgresNIO

/// A tenant's data as files: one NDJSON file per table that holds tenant rows (every row a JSON
/// object, in a stable order; secret hashes left out) and `manifest.json` with each file's row count
/// and SHA-256, read in one repeatable-read transaction so the files agree with one another.
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
        /// Columns left out of the files, by table (secret hashes).
        public let omittedColumns: [String: [String]]
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Writes the files into `directory` (created if missing; existing files of the same names are
    /// replaced) and returns the manifest it wrote.
    public func write(slug: String, to directory: URL) async throws -> Manifest {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logger = database.logger
        let manifest = try await database.transaction { connection in
            try await connection.query("set transaction isolation level repeatable read", logger: logger)
            let tenant = try await TenantStore.existing(slug: slug, lock: false, connection: connection, logger: logger)
            var files: [File] = []
            var omitted: [String: [String]] = [:]
            for table in try await TenantTables.inForeignKeyOrder(connection, logger: logger) {
                let secrets = try await TenantTables.secretColumns(of: table, connection, logger: logger)
                if !secrets.isEmpty { omitted[table] = secrets }
                let rows = try await connection.query("""
                    select (to_jsonb(t) - \(secrets)::text[])::text as line
                    from \(unescaped: TenantTables.quoted(table)) t where tenant_id = \(tenant.id) order by 1
                    """, logger: logger)
                var data = Data()
                var count = 0
                for try await line in rows.decode(String.self) {
                    data.append(contentsOf: line.utf8)
                    data.append(UInt8(ascii: "\n"))
                    count += 1
                }
                let name = table + ".ndjson"
                try data.write(to: directory.appendingPathComponent(name))
                files.append(File(table: table, file: name, rows: count, sha256: Self.sha256(data)))
            }
            return Manifest(tenant: .init(id: tenant.id.uuid, slug: tenant.slug, name: tenant.name, status: tenant.status.rawValue),
                            exportedAt: Date(), tables: files, omittedColumns: omitted)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: directory.appendingPathComponent("manifest.json"))
        return manifest
    }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
