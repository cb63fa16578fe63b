import Foundation
public import Logging
public import Persistence
import PostgresNIO

/// The throwaway PostgreSQL cluster `./infra/test` starts (socket directory in `PMO_TEST_SOCKET_DIR`).
/// Each test gets its own database, cloned from a template that is migrated once per test process,
/// so tests run in parallel without seeing each other (docs/ARCHITECTURE.md rule 4).
public actor TestCluster {
    public static let shared = TestCluster()

    /// Created once per process; a task so concurrent first callers wait for the same one.
    private var template: Task<String, any Error>?
    private var counter = 0
    private let runID = String(UUID().uuidString.prefix(8)).lowercased()

    public static var logger: Logger {
        var logger = Logger(label: "pmo-test")
        logger.logLevel = ProcessInfo.processInfo.environment["PMO_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }

    public struct NotConfigured: Error, CustomStringConvertible {
        public let description = "PMO_TEST_SOCKET_DIR is not set: run the tests with ./infra/test, which starts a throwaway PostgreSQL cluster"
    }

    static func socketDirectory() throws -> String {
        guard let directory = ProcessInfo.processInfo.environment["PMO_TEST_SOCKET_DIR"], !directory.isEmpty else {
            throw NotConfigured()
        }
        return directory
    }

    /// The owner role's URL for a database of the test cluster.
    public static func ownerURL(database: String) throws -> DatabaseURL {
        DatabaseURL(user: DatabaseLocation.ownerRole, database: database, socketDirectory: try socketDirectory())
    }

    /// A new, empty database (no migrations): for the migration tests.
    public func emptyDatabase() async throws -> String {
        let name = nextName("empty")
        try await Self.admin("create database \(name) owner \(DatabaseLocation.ownerRole)")
        return name
    }

    /// A new database with every migration applied.
    public func migratedDatabase() async throws -> String {
        let template = try await migratedTemplate()
        let name = nextName("t")
        // CREATE DATABASE ... TEMPLATE fails (55006) while anything is connected to the template: clones
        // are serialised by this actor, and the migrating client's connections may take a moment to close.
        for attempt in 1... {
            do {
                try await Self.admin("create database \(name) template \(template) owner \(DatabaseLocation.ownerRole)")
                return name
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 100 {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        fatalError("unreachable")
    }

    private func migratedTemplate() async throws -> String {
        if let template { return try await template.value }
        let name = "pmo_template_\(runID)"
        let task = Task {
            try await Self.admin("create database \(name) owner \(DatabaseLocation.ownerRole)")
            try await withDatabase(try Self.ownerURL(database: name), logger: Self.logger) { database in
                try await Migrator(database: database, migrations: try Migration.bundled()).migrate()
            }
            return name
        }
        template = task
        return try await task.value
    }

    private func nextName(_ prefix: String) -> String {
        counter += 1
        return "pmo_\(prefix)_\(runID)_\(counter)"
    }

    /// Runs a statement on the `postgres` maintenance database; `statement` holds only names this
    /// actor generated.
    private static func admin(_ statement: String) async throws {
        try await withDatabase(try Self.ownerURL(database: "postgres"), logger: Self.logger) { database in
            try await database.query(PostgresQuery(unsafeSQL: statement))
        }
    }
}
