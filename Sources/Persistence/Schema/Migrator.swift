import Crypto
import Foundation
import Logging
import PostgresNIO

/// One versioned SQL file from `Migrations/`, named `NNNN_description.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The file's name, as an operator finds it in `Sources/Persistence/Migrations`.
    public var fileName: String { "\(name).sql" }

    /// What the database records of this file once applied, and compares on every later run: the
    /// SHA-256 of its statements. Whole-line `--` comments, trailing white space and blank lines are
    /// left out, so correcting a comment is not a schema change; any other edit is.
    public var checksum: String {
        var statements: [Substring] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            var end = line.endIndex
            while end > line.startIndex, line[line.index(before: end)].isWhitespace { end = line.index(before: end) }
            let trimmed = line[..<end]
            let text = trimmed.drop(while: \.isWhitespace)
            if !text.isEmpty && !text.hasPrefix("--") { statements.append(trimmed) }
        }
        let digest = SHA256.hash(data: Data(statements.joined(separator: "\n").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Every migration shipped with this build, in version order.
    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError(description: "the Migrations resource is missing from the build")
        }
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        return try files.map { file in
            let stem = file.deletingPathExtension().lastPathComponent
            guard let version = Int(stem.prefix { $0.isNumber }), version > 0 else {
                throw MigrationError(description: "migration \(file.lastPathComponent) does not start with a version number")
            }
            return Migration(version: version, name: stem, sql: try String(contentsOf: file, encoding: .utf8))
        }.sorted { $0.version < $1.version }
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public let description: String
}

/// Applies pending migrations in one transaction under an advisory lock, so concurrent runs
/// (two servers starting, an operator and a deploy) serialise and the second finds nothing to do.
/// On a Citus coordinator the tables they create are then distributed (`CitusDistributor`).
///
/// Each applied file's checksum is recorded with it. A file that was applied and has changed since
/// stops both `migrate` and `pending` (and so the server's start) with an error naming it: the
/// database keeps the schema the old text made, so running on as if the new text had applied would
/// be wrong. Corrections go into a new migration.
public struct Migrator: Sendable {
    public let database: Database
    public let migrations: [Migration]

    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// Applies what is pending; returns the migrations it applied (empty when up to date).
    @discardableResult
    public func migrate() async throws -> [Migration] {
        let logger = database.logger
        let migrations = self.migrations
        return try await database.transaction { connection in
            try await connection.query("select pg_advisory_xact_lock(hashtext('pmo.migrate'))", logger: logger)
            try await connection.query("create schema if not exists pmo", logger: logger)
            try await connection.query("""
                create table if not exists pmo.schema_migrations (
                    version integer primary key, name text not null, applied_at timestamptz not null default now())
                """, logger: logger)
            try await connection.query(
                "alter table pmo.schema_migrations add column if not exists checksum text", logger: logger)
            let applied = try await Self.applied(connection, logger: logger)
            try Self.requireUnchanged(migrations, applied: applied)
            // A database migrated before checksums were recorded trusts this build's files once.
            for migration in migrations where applied[migration.version] == .some(nil) {
                try await connection.query("""
                    update pmo.schema_migrations set checksum = \(migration.checksum)
                    where version = \(migration.version)
                    """, logger: logger)
            }
            let pending = migrations.filter { applied[$0.version] == nil }
            guard !pending.isEmpty else { return [] }
            for migration in pending {
                // One statement at a time (SQLStatements says why); the file's text is ours, not input.
                for statement in SQLStatements.split(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("""
                    insert into pmo.schema_migrations (version, name, checksum)
                    values (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: logger)
                logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            }
            // On Citus, a table a migration created is placed in the same transaction, so no
            // statement ever meets it half-placed (a no-op on a single node).
            _ = try await CitusDistributor.distribute(connection, logger: logger)
            return pending
        }
    }

    /// Versions shipped but not applied (the server refuses to start while any are); throws when
    /// an applied file has changed since.
    public func pending() async throws -> [Migration] {
        let logger = database.logger
        let applied = try await database.withConnection { connection in
            let exists = try await connection.query(
                "select to_regclass('pmo.schema_migrations') is not null", logger: logger)
            for try await (present) in exists.decode(Bool.self) where !present { return [Int: String?]() }
            return try await Self.applied(connection, logger: logger)
        }
        try Self.requireUnchanged(migrations, applied: applied)
        return migrations.filter { applied[$0.version] == nil }
    }

    /// Applied versions and their recorded checksums (nil when applied before checksums were kept).
    /// Read through `to_jsonb` so that a database whose table has no checksum column yet still answers.
    static func applied(_ connection: PostgresConnection, logger: Logger) async throws -> [Int: String?] {
        var applied: [Int: String?] = [:]
        let rows = try await connection.query(
            "select version, to_jsonb(m) ->> 'checksum' from pmo.schema_migrations m", logger: logger)
        for try await (version, checksum) in rows.decode((Int, String?).self) { applied[version] = checksum }
        return applied
    }

    static func requireUnchanged(_ migrations: [Migration], applied: [Int: String?]) throws {
        let changed = migrations.filter { migration in
            guard case .some(.some(let recorded)) = applied[migration.version] else { return false }
            return recorded != migration.checksum
        }
        guard changed.isEmpty else {
            throw MigrationError(description: """
                applied migration\(changed.count == 1 ? "" : "s") changed since \(changed.count == 1 ? "it was" : "they were") \
                applied: \(changed.map(\.fileName).joined(separator: ", ")). The database keeps the schema the \
                applied text made; restore the file and put the correction in a new migration
                """)
        }
    }
}
