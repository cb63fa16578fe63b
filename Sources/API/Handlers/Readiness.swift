import Foundation
import Persistence

/// Whether the server can do useful work: the database answers and has every migration applied.
struct Readiness: Sendable {
    let database: Database
    let migrations: [Migration]
    let databaseTarget: String
    let health: DatabaseHealth
    let drain: ServerDrain

    /// Pending migrations; throws `DatabaseUnavailable` when the database does not answer within
    /// the pool's bounds.
    func pendingMigrations() async throws -> [Migration] {
        guard health.isReachable else { throw DatabaseUnavailable(target: databaseTarget, limit: .zero) }
        return try await Migrator(database: database, migrations: migrations).pending()
    }
}
