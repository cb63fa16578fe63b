import Foundation
import Logging
import PostgresNIO

/// A pooled client plus the logger its queries report to. `run()` of the client must be running
/// (the server adds it as a service; `withDatabase` does it for commands and tests).
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs `work` in one transaction; the work's own error is rethrown unwrapped, so callers map
    /// domain errors without digging through `PostgresTransactionError`.
    @discardableResult
    public func transaction<Result: Sendable>(
        _ work: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await work(connection)
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    /// Runs `work` in one transaction that first sets the tenant (ARCHITECTURE.md rule 2), so every
    /// row-level security policy sees only that tenant.
    @discardableResult
    public func tenantTransaction<Result: Sendable>(
        _ tenantID: UUID, _ work: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await transaction { connection in
            try await connection.query("select pmo.set_tenant(\(tenantID))", logger: logger)
            return try await work(connection)
        }
    }
}

/// Creates a client for `url`, runs it for the duration of `body`, and shuts it down afterwards.
@discardableResult
public func withDatabase<Result: Sendable>(
    _ url: DatabaseURL, logger: Logger, _ body: (Database) async throws -> Result
) async throws -> Result {
    // The body may lease a connection before the child task has entered `run()`; the client then
    // waits (correctly) but warns. For these short-lived clients that warning is noise, so the
    // background logger only reports errors; query errors still reach the caller as thrown errors.
    var backgroundLogger = logger
    backgroundLogger.logLevel = max(logger.logLevel, .error)
    let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: backgroundLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(Database(client: client, logger: logger))
    }
}

extension PSQLError {
    /// The SQLSTATE of a server error, e.g. `23505` for a unique violation.
    public var sqlState: String? { serverInfo?[.sqlState] }
}

/// SQLSTATEs the code reacts to.
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let foreignKeyViolation = "23503"
    public static let checkViolation = "23514"
    public static let insufficientPrivilege = "42501"
}
