import ArgumentParser
import Persistence

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations (idempotent).")

    func run() async throws {
        let applied = try await AdminDatabase.run { database in
            try await Migrator(database: database, migrations: try Migration.bundled()).migrate()
        }
        if applied.isEmpty {
            print("schema is up to date")
        } else {
            for migration in applied { print("applied \(migration.name)") }
        }
    }
}
