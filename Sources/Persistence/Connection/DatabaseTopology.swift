import Logging
import Synchronization

/// Whether the database is one PostgreSQL server or a Citus coordinator: asked once, on first need,
/// and remembered for the life of the `Database`.
///
/// It matters where a statement relies on `SET LOCAL` reaching the shards: Citus forwards
/// `SET LOCAL app.tenant_id` to the workers only inside an explicit transaction block
/// (`citus.propagate_set_commands = 'local'`), so the one-statement reads of `KeyedRead` get one there.
public final class DatabaseTopology: Sendable {
    private let distributed = Mutex<Bool?>(nil)

    public init() {}

    /// The answer once known (every request after the first reads it here, without a suspension).
    var known: Bool? { distributed.withLock { $0 } }

    /// The answer, asking over one of the database's connections the first time.
    func isDistributed(_ database: Database) async throws -> Bool {
        if let known { return known }
        let answer = try await database.withConnection { connection in
            try await CitusDistributor.isCitus(connection, logger: database.logger)
        }
        distributed.withLock { $0 = answer }
        return answer
    }
}
