public import Domain
import Foundation
public import Logging
public import PostgresNIO

/// A connection pool plus the logger its queries report to. The pool's `run()` must be running
/// (the server adds it as a service; `withDatabase` does it for commands and tests).
public struct Database: Sendable {
    public let pool: DatabasePool
    /// Never below `debug`: at `trace` the driver writes every row it reads to the log, secrets too.
    public let logger: Logger
    /// One server or a Citus coordinator (known after the first statement that needs to know).
    public let topology = DatabaseTopology()

    public init(pool: DatabasePool, logger: Logger) {
        self.pool = pool
        var logger = logger
        logger.logLevel = max(logger.logLevel, .debug)
        self.logger = logger
    }

    /// Where the database is, for messages.
    public var target: String { pool.target }

    /// A connection for `work`, given back afterwards.
    public func withConnection<Result>(_ work: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await pool.withConnection(work)
    }

    /// One statement on a pooled connection; its rows are read before the connection goes back.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> Rows {
        try await withConnection { connection in
            Rows(rows: try await connection.query(query, logger: logger).collect())
        }
    }

    /// Runs `work` in one transaction (rolled back when it throws; a connection whose rollback
    /// fails is closed, never reused half-way through a transaction).
    @discardableResult
    public func transaction<Result: Sendable>(
        _ work: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.query("begin", logger: logger)
            let result: Result
            do {
                result = try await work(connection)
            } catch {
                do {
                    try await connection.query("rollback", logger: logger)
                } catch {
                    pool.discard(connection)
                }
                throw error
            }
            try await connection.query("commit", logger: logger)
            return result
        }
    }

    /// Runs `work` in one transaction that first sets the tenant (docs/ARCHITECTURE.md rule 2), so every
    /// row-level security policy sees only that tenant; `work` gets the tenant's scope, which its
    /// stores are made from. `repeatableRead`: every statement sees the same snapshot (an export
    /// whose files must agree with one another).
    @discardableResult
    public func tenantTransaction<Result: Sendable>(
        _ tenantID: TenantID, repeatableRead: Bool = false, _ work: (TenantScope) async throws -> Result
    ) async throws -> Result {
        try await transaction { connection in
            if repeatableRead {
                try await connection.query("set transaction isolation level repeatable read", logger: logger)
            }
            try await connection.query("select pmo.set_tenant(\(tenantID))", logger: logger)
            return try await work(TenantScope(connection: connection, tenantID: tenantID, logger: logger))
        }
    }

    /// Rows already read from the database, iterated like the driver's row sequence (so its
    /// `decode(...)` applies).
    public struct Rows: AsyncSequence, Sendable {
        public typealias Element = PostgresRow
        public let rows: [PostgresRow]

        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: IndexingIterator<[PostgresRow]>
            public mutating func next() async -> PostgresRow? { base.next() }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: rows.makeIterator()) }
    }
}

/// Opens a small pool to `url` for the duration of `body` (admin commands, start-up checks,
/// tests), then closes it.
@discardableResult
public func withDatabase<Result: Sendable>(
    _ url: DatabaseURL, logger: Logger, limits: DatabasePool.Limits = .administration,
    _ body: (Database) async throws -> Result
) async throws -> Result {
    let pool = DatabasePool(configuration: try url.connectionConfiguration(), limits: limits,
                            target: url.target, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await pool.run() }
        defer { pool.close() }
        return try await body(Database(pool: pool, logger: logger))
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
