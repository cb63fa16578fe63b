import Foundation
import Persistence

/// Whether the server can do useful work: the database answers and has every migration applied.
struct Readiness: Sendable {
    let database: Database
    let migrations: [Migration]
    let databaseTarget: String
    let health: DatabaseHealth

    /// Pending migrations; throws `DatabaseUnavailable` when the database does not answer in 5 s.
    func pendingMigrations() async throws -> [Migration] {
        guard health.isReachable else { throw DatabaseUnavailable(target: databaseTarget, limit: .zero) }
        let migrator = Migrator(database: database, migrations: migrations)
        return try await database.withDeadline(.seconds(5), target: databaseTarget) {
            try await migrator.pending()
        }
    }
}
