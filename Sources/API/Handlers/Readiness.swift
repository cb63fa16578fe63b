import Foundation
import Persistence

/// Whether the server can do useful work: the database answers and has every migration applied.
struct Readiness: Sendable {
    let database: Database
    let migrations: [Migration]

    func pendingMigrations() async throws -> [Migration] {
        try await Migrator(database: database, migrations: migrations).pending()
    }
}
