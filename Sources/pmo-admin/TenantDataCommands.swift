import ArgumentParser
import Domain
import Foundation
import Persistence
import Provisioning

/// A tenant's data: `tenant export-data`, `tenant import-data` and `tenant erase`.
extension TenantCommand {
    struct ExportData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-data",
            abstract: "Write every row of a tenant as NDJSON, one file per table, with manifest.json (row counts, SHA-256).")
        @Argument var slug: String
        @Option(help: "Directory to write into (created if missing).") var out: String

        func run() async throws {
            let directory = URL(fileURLWithPath: out)
            let manifest = try await AdminDatabase.run { database in
                try await TenantDataExport(database: database).write(slug: slug, to: directory)
            }
            print(TableOutput.render(headers: ["TABLE", "ROWS", "SHA-256"],
                                     rows: manifest.tables.filter { $0.rows > 0 }.map { [$0.table, String($0.rows), $0.sha256] }))
            let rows = manifest.tables.reduce(0) { $0 + $1.rows }
            print("wrote \(rows) rows of tenant \(slug) in \(manifest.tables.count) tables to \(out) (manifest.json lists each file)")
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every row of an offboarding tenant, then count every tenant table to prove none is left.")
        @Argument var slug: String
        @Option(help: "The tenant's slug again: erasing cannot be undone.") var confirm: String

        func run() async throws {
            guard confirm == slug else {
                throw AdminFailure(message: "--confirm must repeat the slug (\(slug)); nothing was erased")
            }
            let outcome = try await AdminDatabase.run { database in
                try await TenantErasure(database: database).erase(slug: slug)
            }
            let deleted = Dictionary(uniqueKeysWithValues: outcome.deleted.map { ($0.table, $0.rows) })
            print(TableOutput.render(headers: ["TABLE", "DELETED", "LEFT"],
                                     rows: outcome.remaining.map { [$0.table, String(deleted[$0.table] ?? 0), String($0.rows)] }))
            let total = outcome.deleted.reduce(0) { $0 + $1.rows }
            print("erased tenant \(slug): \(total) rows deleted; \(outcome.tablesChecked) tables counted, 0 rows left; status deleted")
        }
    }

    struct ImportData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-data",
            abstract: "Create a tenant from a tenant export-data directory (checked against its manifest first); credentials, billing and usage are not copied.")
        @Argument(help: "The directory tenant export-data wrote.") var directory: String
        @Option(help: "The new tenant's slug.") var slug: String
        @Option(help: "The new tenant's display name.") var name: String
        @Option(help: "The plan the new tenant starts on today.") var plan: String

        func run() async throws {
            guard TenantSlug.isValid(slug) else { throw AdminFailure(message: "invalid slug \(slug): must match ^[a-z0-9][a-z0-9-]{1,62}$") }
            guard TextRules.isPrintable(name, maxLength: 200), !TextRules.isBlank(name) else {
                throw AdminFailure(message: "invalid --name: 1–200 characters, not blank, without control characters")
            }
            let outcome = try await AdminDatabase.run { database in
                try await TenantDataImport(database: database).load(
                    from: URL(fileURLWithPath: directory), slug: slug, name: name, plan: plan,
                    id: TenantID(Domain.Environment.live.newID()))
            }
            print(TableOutput.render(headers: ["TABLE", "ROWS"],
                                     rows: outcome.copied.filter { $0.rows > 0 }.map { [$0.table, String($0.rows)] }))
            let rows = outcome.copied.reduce(0) { $0 + $1.rows }
            print("created tenant \(slug) (\(outcome.tenant.id.uuidString.lowercased()), plan \(plan)) with \(rows) rows from \(directory)")
        }
    }
}
