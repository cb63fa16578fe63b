import Foundation
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// The migrator's record of what it applied: a checksum per file, checked on every run.
@Suite struct MigrationTests {
    /// A scratch database with every bundled migration applied by this build.
    private func migrated(_ body: (Database, [Migration]) async throws -> Void) async throws {
        let name = try await TestCluster.shared.emptyDatabase()
        try await withDatabase(try TestCluster.ownerURL(database: name), logger: TestCluster.logger) { database in
            let bundled = try Migration.bundled()
            try await Migrator(database: database, migrations: bundled).migrate()
            try await body(database, bundled)
        }
    }

    /// The bundled migrations with one file's text replaced.
    private func editing(_ migrations: [Migration], version: Int, _ edit: (String) -> String) -> [Migration] {
        migrations.map { $0.version == version ? Migration(version: $0.version, name: $0.name, sql: edit($0.sql)) : $0 }
    }

    @Test func anAppliedFileThatChangedStopsTheMigratorNamingIt() async throws {
        try await migrated { (database: Database, bundled: [Migration]) async throws in
            let edited = editing(bundled, version: 12) { $0 + "\ncreate table sneaked_in (id int);\n" }
            let migrator = Migrator(database: database, migrations: edited)
            for attempt in [{ try await migrator.migrate() }, { try await migrator.pending() }] {
                do {
                    _ = try await attempt()
                    Issue.record("the migrator ran on over an edited applied migration")
                } catch let error as MigrationError {
                    #expect(error.description.contains("0012_work_items.sql"), "\(error)")
                    #expect(!error.description.contains("0011_"), "only the changed file is named: \(error)")
                }
            }
            let created = try await database.query("select to_regclass('sneaked_in') is not null")
            for try await exists in created.decode(Bool.self) { #expect(!exists) }
        }
    }

    @Test func aCommentOnlyEditIsNoSchemaChange() async throws {
        try await migrated { (database: Database, bundled: [Migration]) async throws in
            let edited = editing(bundled, version: 3) { "-- A corrected header comment.\n\n" + $0 + "   \n" }
            #expect(try await Migrator(database: database, migrations: edited).migrate().isEmpty)
            #expect(try await Migrator(database: database, migrations: edited).pending().isEmpty)
        }
    }

    @Test func aDatabaseMigratedBeforeChecksumsTrustsTheFilesOnceThenChecksThem() async throws {
        try await migrated { (database: Database, bundled: [Migration]) async throws in
            try await database.query("update pmo.schema_migrations set checksum = null")
            #expect(try await Migrator(database: database, migrations: bundled).migrate().isEmpty)
            let rows = try await database.query("select version, checksum from pmo.schema_migrations order by version")
            var recorded: [Int: String] = [:]
            for try await (version, checksum) in rows.decode((Int, String).self) { recorded[version] = checksum }
            #expect(recorded == Dictionary(uniqueKeysWithValues: bundled.map { ($0.version, $0.checksum) }))
            let edited = editing(bundled, version: 1) { $0.replacingOccurrences(of: "create", with: "CREATE") }
            await #expect(throws: MigrationError.self) { try await Migrator(database: database, migrations: edited).pending() }
        }
    }

    @Test func theServerRefusesToStartWhenAnAppliedFileChanged() async throws {
        let env = try await TestEnvironment()
        // As if this build's 0012 differed from the text the database applied.
        _ = try await env.withOwner { database in
            try await database.query("update pmo.schema_migrations set checksum = 'applied-by-another-text' where version = 12")
        }
        let run = try Binaries.run("pmo-server", environment: ["APP_DATABASE_URL": try env.appURL.connectionString, "PORT": "1"])
        #expect(run.status != 0)
        #expect(run.error.contains("0012_work_items.sql"), "\(run.error)")
    }

    @Test func oneFunctionPutsATenantTableUnderTheIsolationRule() async throws {
        try await migrated { (database: Database, _: [Migration]) async throws in
            try await database.query("create table scratch_things (tenant_id uuid not null, id uuid primary key)")
            try await database.query("select pmo.isolate_by_tenant('scratch_things')")
            let rows = try await database.query("""
                select c.relrowsecurity, c.relforcerowsecurity, p.polname, pg_get_expr(p.polqual, p.polrelid)
                from pg_class c join pg_policy p on p.polrelid = c.oid where c.relname = 'scratch_things'
                """)
            var policies = 0
            for try await (enabled, forced, name, using) in rows.decode((Bool, Bool, String, String).self) {
                policies += 1
                #expect(enabled && forced)
                #expect(name == "tenant_isolation")
                #expect(using.contains("pmo.current_tenant()"), "\(using)")
            }
            #expect(policies == 1)
            // A table without the column is refused rather than left open.
            try await database.query("create table scratch_platform (id uuid primary key)")
            await #expect(throws: PSQLError.self) { try await database.query("select pmo.isolate_by_tenant('scratch_platform')") }
        }
    }
}
