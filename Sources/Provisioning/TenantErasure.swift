public import Domain
import Foundation
public import Persistence
import PostgresNIO

/// Erasing an offboarded tenant: every row it has, in every table that holds tenant rows (read from
/// the catalog), deleted in one transaction; then each table is counted again and must hold none.
/// The tenant's own row stays as a tombstone (status `deleted`, so its slug is never reused and the
/// platform audit log still names it), and the erasure with its counts is on the platform audit log.
public struct TenantErasure: Sendable {
    /// The tenant's status does not allow erasing: only an offboarding tenant is erased.
    public struct NotOffboarding: Error, Equatable {
        public let slug: String
        public let status: TenantStatus
    }

    public struct Outcome: Sendable {
        /// Rows deleted, by table, in the order they were deleted.
        public let deleted: [(table: String, rows: Int64)]
        /// Rows left afterwards, by table: every count is zero, or the erasure was rolled back.
        public let remaining: [(table: String, rows: Int64)]
        public var tablesChecked: Int { remaining.count }
    }

    /// A table still held rows of the tenant after the deletes (nothing was committed).
    public struct RowsRemain: Error, CustomStringConvertible {
        public let tables: [String]
        public var description: String { "rows remain in \(tables.joined(separator: ", ")); nothing was erased" }
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func erase(slug: String) async throws -> Outcome {
        let logger = database.logger
        return try await database.transaction { connection in
            let tenant = try await TenantStore.existing(slug: slug, lock: true, connection: connection, logger: logger)
            guard tenant.status == .offboarding else { throw NotOffboarding(slug: slug, status: tenant.status) }
            let tables = try await TenantTables.inForeignKeyOrder(connection, logger: logger)
            var deleted: [(table: String, rows: Int64)] = []
            for table in tables.reversed() {
                var count: Int64 = 0
                for try await _ in try await connection.query("""
                    delete from \(unescaped: TenantTables.quoted(table)) where tenant_id = \(tenant.id) returning 1
                    """, logger: logger) { count += 1 }
                deleted.append((table, count))
            }
            // The export runner's queue (schema pmo) names the tenant's exports, which are gone now.
            try await connection.query("delete from pmo.data_export_queue where tenant_id = \(tenant.id)", logger: logger)
            let remaining = try await TenantTables.rowCounts(of: tenant.id.uuid, in: tables, connection, logger: logger)
            let left = remaining.filter { $0.rows > 0 }.map(\.table)
            guard left.isEmpty else { throw RowsRemain(tables: left) }
            let now = Date()
            try await connection.query("""
                update tenants set status = 'deleted', status_reason = 'erased', status_changed_at = \(now), updated_at = \(now)
                where id = \(tenant.id)
                """, logger: logger)
            let total = deleted.reduce(0) { $0 + $1.rows }
            try await TenantStore.auditOnPlatform(
                "eraseTenant", tenant: tenant.id,
                changed: ["status"] + deleted.filter { $0.rows > 0 }.map { "\($0.table):\($0.rows)" },
                reason: "\(total) rows in \(tables.count) tables erased; every table counted empty afterwards",
                connection: connection, logger: logger)
            return Outcome(deleted: deleted, remaining: remaining)
        }
    }
}
