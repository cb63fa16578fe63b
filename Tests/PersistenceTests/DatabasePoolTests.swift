import Foundation
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// The pool's bounds against real PostgreSQL: nothing waits longer than it is allowed to.
@Suite struct DatabasePoolTests {
    @Test func aRequestWaitsForAConnectionNoLongerThanTheAcquireTimeout() async throws {
        let env = try await TestEnvironment()
        let limits = DatabasePool.Limits(size: 1, acquireTimeout: .milliseconds(300), leaseLimit: nil)
        try await withDatabase(try env.appURL, logger: TestCluster.logger, limits: limits) { database in
            try await Self.warmUp(database)
            try await database.withConnection { _ in
                // The only connection is held: the second request gives up after the acquire timeout.
                let started = ContinuousClock.now
                await #expect(throws: DatabaseUnavailable.self) { try await database.query("select 1") }
                let waited = ContinuousClock.now - started
                #expect(waited >= .milliseconds(250) && waited < .seconds(5), "\(waited)")
            }
            // Given back, it serves again.
            let rows = try await database.query("select 1").rows
            #expect(rows.count == 1)
        }
    }

    @Test func aConnectionHeldPastTheLeaseLimitIsClosedUnderItsHolder() async throws {
        let env = try await TestEnvironment()
        let limits = DatabasePool.Limits(size: 1, acquireTimeout: .seconds(5), leaseLimit: .milliseconds(500))
        try await withDatabase(try env.appURL, logger: TestCluster.logger, limits: limits) { database in
            try await Self.warmUp(database)
            // A statement that would take 30 s (as on a database that stopped answering) ends with
            // the connection, within the limit and one maintenance tick (more on a loaded machine).
            let started = ContinuousClock.now
            await #expect(throws: (any Error).self) { try await database.query("select pg_sleep(30)") }
            let held = ContinuousClock.now - started
            #expect(held >= .milliseconds(450) && held < .seconds(5), "\(held)")
            // The pool replaces the connection it closed (opening one may take a while, and a first
            // statement may still meet the closed one, on a machine busy with every other suite).
            try await Self.warmUp(database)
        }
    }

    /// Waits until the pool has opened a connection: on a machine busy with every other suite,
    /// opening one can take longer than the short acquire timeouts these tests use.
    static func warmUp(_ database: Database) async throws {
        for _ in 0..<100 {
            if (try? await database.query("select 1")) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the pool never opened a connection")
    }

    @Test func theSessionsCarryTheStatementAndLockTimeouts() async throws {
        let env = try await TestEnvironment()
        let pool = DatabasePool(
            configuration: try env.appURL.connectionConfiguration(settings: [("statement_timeout", "1500"),
                                                                             ("lock_timeout", "700")]),
            limits: .administration, target: "test", logger: TestCluster.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            defer { pool.close() }
            let database = Database(pool: pool, logger: TestCluster.logger)
            var settings: [String] = []
            for try await (statement, lock) in try await database.query(
                "select current_setting('statement_timeout'), current_setting('lock_timeout')").decode((String, String).self) {
                settings = [statement, lock]
            }
            #expect(settings == ["1500ms", "700ms"])
            // PostgreSQL itself ends a statement that runs too long: SQLSTATE 57014.
            do {
                try await database.query("select pg_sleep(5)")
                Issue.record("the statement was not cancelled")
            } catch let error as PSQLError {
                #expect(error.sqlState == "57014")
            }
        }
    }

    @Test func anUnreachableDatabaseFailsAtOnceInsteadOfWaiting() async throws {
        let nowhere = DatabaseURL(user: "pmo_app", database: "pmo", socketDirectory: "/tmp/pmo-no-such-cluster")
        let limits = DatabasePool.Limits(size: 2, acquireTimeout: .seconds(10), leaseLimit: nil)
        let started = ContinuousClock.now
        await #expect(throws: DatabaseUnavailable.self) {
            try await withDatabase(nowhere, logger: TestCluster.logger, limits: limits) { database in
                try await database.query("select 1")
            }
        }
        // Far below the 10 s acquire timeout: the failed connection attempt fails the waiters.
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
