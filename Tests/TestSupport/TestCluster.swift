import Foundation
public import Logging
public import Persistence
import PostgresNIO

/// The throwaway PostgreSQL cluster `./infra/test` starts (socket directory in `PMO_TEST_SOCKET_DIR`).
/// Each test gets its own database, cloned from a template that is migrated once per test process,
/// so tests run in parallel without seeing each other (docs/ARCHITECTURE.md rule 4).
///
/// Under `./infra/test-citus`, `PMO_TEST_SOCKET_DIR` is a Citus coordinator and `PMO_TEST_CITUS_WORKERS`
/// lists its workers' socket directories. Every database then exists on every node under one name,
/// with the extension and the workers registered: the template is migrated (and so distributed)
/// through the coordinator, and each node clones its own part of it.
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

    /// The workers' socket directories when the cluster is Citus; empty for a single node.
    static let citusWorkers: [String] = (ProcessInfo.processInfo.environment["PMO_TEST_CITUS_WORKERS"] ?? "")
        .split(separator: ",").map(String.init).filter { !$0.isEmpty }

    /// Whether the tests run against a Citus coordinator.
    public static var isCitus: Bool { !citusWorkers.isEmpty }

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
        try await Self.createDatabase(name)
        return name
    }

    /// A new database with every migration applied.
    public func migratedDatabase() async throws -> String {
        let template = try await migratedTemplate()
        let name = nextName("t")
        // CREATE DATABASE ... TEMPLATE fails (55006) while anything is connected to the template: clones
        // are serialised by this actor, and the migrating client's connections may take a moment to close.
        // On Citus each node clones its own part; a session a Citus daemon opened meanwhile is ended.
        for node in try Self.nodes() {
            for attempt in 1... {
                do {
                    try await Self.admin("create database \(name) template \(template) owner \(DatabaseLocation.ownerRole)", node: node)
                    break
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 100 {
                    if Self.isCitus { try await Self.endSessions(in: template, on: node) }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        return name
    }

    private func migratedTemplate() async throws -> String {
        if let template { return try await template.value }
        let name = "pmo_template_\(runID)"
        let task = Task {
            try await Self.createDatabase(name)
            try await withDatabase(try Self.ownerURL(database: name), logger: Self.logger) { database in
                try await Migrator(database: database, migrations: try Migration.bundled()).migrate()
            }
            if Self.isCitus {
                // Citus keeps sessions in every database it serves (its maintenance daemons, which
                // also connect from node to node); a database is only cloned with none left.
                for _ in 1...50 {
                    var remaining = 0
                    for node in try Self.nodes() { remaining += try await Self.endSessions(in: name, on: node) }
                    if remaining == 0 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
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

    /// The coordinator (or the single node) first, then the workers.
    private static func nodes() throws -> [String] { [try socketDirectory()] + citusWorkers }

    /// Ends every session in `database` on one node; returns how many there were.
    @discardableResult
    private static func endSessions(in database: String, on node: String) async throws -> Int {
        let url = DatabaseURL(user: "postgres", database: "postgres", socketDirectory: node)
        return try await withDatabase(url, logger: Self.logger) { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                select count(pg_terminate_backend(pid))::int from pg_stat_activity
                where datname = '\(database)' and pid <> pg_backend_pid()
                """))
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    /// An empty database of the owner role; on Citus on every node, with the extension and the
    /// workers registered with the coordinator (this needs the superuser).
    private static func createDatabase(_ name: String) async throws {
        for node in try nodes() {
            try await admin("create database \(name) owner \(DatabaseLocation.ownerRole)", node: node)
        }
        guard isCitus else { return }
        for node in try nodes() {
            try await admin("create extension citus", node: node, database: name)
        }
        for worker in citusWorkers {
            try await admin("select citus_add_node('\(worker)', 5432)", node: try socketDirectory(), database: name)
        }
    }

    /// Runs a statement on one node (the `postgres` maintenance database unless another is named); on
    /// Citus as the superuser, which creating the extension and registering nodes need. `statement`
    /// holds only names this actor generated and the cluster's own socket directories.
    private static func admin(_ statement: String, node: String? = nil, database: String = "postgres") async throws {
        let url = DatabaseURL(user: isCitus ? "postgres" : DatabaseLocation.ownerRole, database: database,
                              socketDirectory: try node ?? socketDirectory())
        try await withDatabase(url, logger: Self.logger) { database in
            try await database.query(PostgresQuery(unsafeSQL: statement))
        }
    }
}
