import Foundation
import Logging
import PostgresNIO

/// One versioned SQL file from `Migrations/`, named `NNNN_description.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

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
            let applied = try await Self.appliedVersions(connection, logger: logger)
            let pending = migrations.filter { !applied.contains($0.version) }
            guard !pending.isEmpty else { return [] }
            // A file holds many statements; the extended protocol takes one, so a temporary function
            // runs the file's text, which stays a bound parameter.
            try await connection.query("""
                create or replace function pg_temp.pmo_run_migration(p_sql text) returns void
                language plpgsql as 'begin execute p_sql; end'
                """, logger: logger)
            for migration in pending {
                try await connection.query("select pg_temp.pmo_run_migration(\(migration.sql))", logger: logger)
                try await connection.query(
                    "insert into pmo.schema_migrations (version, name) values (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            }
            return pending
        }
    }

    /// Versions shipped but not applied (the server refuses to start while any are).
    public func pending() async throws -> [Migration] {
        let logger = database.logger
        let applied: Set<Int> = try await database.withConnection { connection in
            let exists = try await connection.query(
                "select to_regclass('pmo.schema_migrations') is not null", logger: logger)
            for try await (present) in exists.decode(Bool.self) where !present { return [] }
            return try await Self.appliedVersions(connection, logger: logger)
        }
        return migrations.filter { !applied.contains($0.version) }
    }

    static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        var versions: Set<Int> = []
        let rows = try await connection.query("select version from pmo.schema_migrations", logger: logger)
        for try await version in rows.decode(Int.self) { versions.insert(version) }
        return versions
    }
}
