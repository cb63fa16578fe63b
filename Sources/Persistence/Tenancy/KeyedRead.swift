public import Domain
public import Foundation
import Logging
public import PostgresNIO

/// What the database knows about a presented API key (see `pmo.begin_key_request`); the Auth
/// module decides from it whether the request may proceed.
public struct StoredKey: Sendable {
    public let tenantID: TenantID
    public let keyID: UUID
    public let secretHash: [UInt8]
    public let scopes: [String]
    public let expiresAt: Date?
    public let revokedAt: Date?
    public let tenantStatus: String

    public init(tenantID: TenantID, keyID: UUID, secretHash: [UInt8], scopes: [String], expiresAt: Date?,
                revokedAt: Date?, tenantStatus: String) {
        self.tenantID = tenantID
        self.keyID = keyID
        self.secretHash = secretHash
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.tenantStatus = tenantStatus
    }
}

/// A tenant read in one round trip: a single statement (so a single implicit transaction) calling a
/// PL/pgSQL function that first runs `pmo.begin_key_request` (which sets the key's tenant with
/// `SET LOCAL`) and then reads as the app role, under row-level security. The rows carry the key's
/// columns first, then the read's; the server authorizes the key before it looks at the data.
///
/// Reads that are a single query use this; everything else uses a transaction
/// (`pmo.begin_key_request` as its first statement). On Citus the statement runs inside
/// `begin`/`commit` (see `DatabaseTopology`).
public enum KeyedRead {
    /// How many leading columns describe the key; the read's own columns start here.
    public static let keyColumnCount = 7

    /// Runs the statement; returns the key (nil when no key has that public id) and the rows that
    /// carry the read's data (the left join's empty row is dropped: its first read column is null).
    public static func run<Statement: PostgresPreparedStatement>(
        _ statement: Statement, on database: Database
    ) async throws -> (StoredKey?, [[PostgresCell]]) where Statement.Row == [PostgresCell] {
        // On Citus the tenant the function sets reaches the shards only inside a transaction block
        // (DatabaseTopology): three round trips there, one on a single server.
        var distributed = database.topology.known
        if distributed == nil { distributed = try await database.topology.isDistributed(database) }
        if distributed == true {
            return try await database.transaction { connection in
                try await collect(statement, on: connection, logger: database.logger)
            }
        }
        return try await database.withConnection { connection in
            try await collect(statement, on: connection, logger: database.logger)
        }
    }

    private static func collect<Statement: PostgresPreparedStatement>(
        _ statement: Statement, on connection: PostgresConnection, logger: Logger
    ) async throws -> (StoredKey?, [[PostgresCell]]) where Statement.Row == [PostgresCell] {
        var key: StoredKey?
        var rows: [[PostgresCell]] = []
        // Cells by position: `makeRandomAccess()` would also build a name lookup table per row.
        for try await cells in try await connection.execute(statement, logger: logger) {
            if key == nil {
                key = StoredKey(
                    tenantID: try cells[0].decode(TenantID.self), keyID: try cells[1].decode(UUID.self),
                    secretHash: Array(buffer: try cells[2].decode(ByteBuffer.self)),
                    scopes: try cells[3].decode([String].self), expiresAt: try cells[4].decode(Date?.self),
                    revokedAt: try cells[5].decode(Date?.self), tenantStatus: try cells[6].decode(String.self))
            }
            if cells.count > keyColumnCount, cells[keyColumnCount].bytes != nil { rows.append(cells) }
        }
        return (key, rows)
    }
}
