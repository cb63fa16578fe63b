public import Domain
public import Foundation
public import PostgresNIO

/// A tenant's data export as stored, without its archive (read only for a download).
public struct DataExportRecord: VersionedRow, Equatable {
    public var id: UUID
    public var status: DataExportStatus
    /// Who asked for it, as the audit log names actors (`member`, `api_key`, `api_client`).
    public var requestedByType: String
    public var requestedByID: String
    public var attempts: Int
    public var startedAt: Date?
    public var completedAt: Date?
    public var tableCount: Int?
    public var rowCount: Int64?
    public var sizeBytes: Int64?
    public var sha256: String?
    public var failure: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// `data_exports`: the exports a tenant's owners asked for, and their archives. A new export is
/// queued for the server's runner (`DataExportQueue`) in the same transaction, so it is either both
/// recorded and queued or neither.
public struct DataExportStore: TenantTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "data_exports"
    public static let columns = """
        id, status, requested_by_type, requested_by_id, attempts, started_at, completed_at, table_count, row_count,
        size_bytes, sha256, failure, version, created_at, updated_at
        """

    /// A second export asked for while one is still queued or running (the partial unique index).
    public static func error(for violation: ConstraintViolation, writing row: DataExportRecord) -> (any Error)? {
        violation.kind == .unique ? ExportPending() : nil
    }

    public static func decode(_ row: PostgresRow) throws -> DataExportRecord {
        let (id, status, byType, byID, attempts, startedAt, completedAt, tables, rows, size, sha256, failure, version,
             createdAt, updatedAt) = try row.decode(
                (UUID, String, String, String, Int, Date?, Date?, Int?, Int64?, Int64?, String?, String?, Int64, Date, Date).self)
        guard let status = DataExportStatus(rawValue: status) else { throw corrupt(id) }
        return DataExportRecord(id: id, status: status, requestedByType: byType, requestedByID: byID, attempts: attempts,
                                startedAt: startedAt, completedAt: completedAt, tableCount: tables, rowCount: rows,
                                sizeBytes: size, sha256: sha256, failure: failure, version: version,
                                createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Records a new export, queued, asked for by `actor`, and puts it on the runner's queue.
    public func insert(id: UUID, requestedBy actor: Actor, at now: Date) async throws -> DataExportRecord {
        let record = DataExportRecord(id: id, status: .queued, requestedByType: actor.type, requestedByID: actor.id,
                                      attempts: 0, version: 1, createdAt: now, updatedAt: now)
        let stored = try await write("""
            insert into data_exports (tenant_id, id, status, requested_by_type, requested_by_id, created_at, updated_at)
            values (\(tenantID), \(id), 'queued', \(actor.type), \(actor.id), \(now), \(now))
            returning \(unescaped: Self.columns)
            """, record)
        try await DataExportQueue.enqueue(tenant: tenantID, export: id, at: now, scope.connection, logger: scope.logger)
        return stored
    }

    /// Marks a pending export as taken up by a runner (one attempt more); nil when it is no longer
    /// pending (finished meanwhile) or gone.
    public func begin(_ id: UUID, at now: Date) async throws -> DataExportRecord? {
        try await rows("""
            update data_exports set status = 'running', attempts = attempts + 1, started_at = \(now),
                updated_at = \(now), version = version + 1
            where tenant_id = \(tenantID) and id = \(id) and status in ('queued', 'running')
            returning \(unescaped: Self.columns)
            """).first
    }

    /// Stores the finished archive and what it holds, if the export is still in the attempt that
    /// wrote it (a runner whose claim lapsed while it wrote does not overwrite a later attempt).
    public func complete(_ id: UUID, attempt: Int, archive: Data, sha256: String, tables: Int, rows: Int,
                         at now: Date) async throws {
        try await scope.query("""
            update data_exports set status = 'succeeded', archive = \(archive), sha256 = \(sha256),
                size_bytes = \(Int64(archive.count)), table_count = \(tables), row_count = \(Int64(rows)),
                completed_at = \(now), updated_at = \(now), version = version + 1
            where tenant_id = \(tenantID) and id = \(id) and status = 'running' and attempts = \(attempt)
            """)
    }

    /// Gives a pending export up, with what the tenant is told.
    public func fail(_ id: UUID, failure: String, at now: Date) async throws {
        try await scope.query("""
            update data_exports set status = 'failed', failure = \(failure), completed_at = \(now), updated_at = \(now),
                version = version + 1
            where tenant_id = \(tenantID) and id = \(id) and status in ('queued', 'running')
            """)
    }

    /// The archive of a succeeded export; nil when the export is not the tenant's or not ready.
    public func archive(of id: UUID) async throws -> Data? {
        for try await archive in try await scope.query("""
            select archive from data_exports where tenant_id = \(tenantID) and id = \(id) and status = 'succeeded'
            """).decode(Data.self) {
            return archive
        }
        return nil
    }
}

/// The exports waiting for a runner, across tenants (`pmo.data_export_queue`). Only the runner reads
/// it across tenants; its rows say no more than which export of which tenant waits.
public enum DataExportQueue {
    /// An export a runner claimed (until the time it gave `claim`).
    public struct Claim: Sendable, Equatable {
        public let tenantID: TenantID
        public let exportID: UUID
    }

    static func enqueue(tenant: TenantID, export: UUID, at now: Date, _ connection: PostgresConnection,
                        logger: Logger) async throws {
        try await connection.query("""
            insert into pmo.data_export_queue (tenant_id, export_id, queued_at) values (\(tenant), \(export), \(now))
            """, logger: logger)
    }

    /// The oldest waiting export that no runner holds (or whose runner's claim lapsed), claimed until
    /// `until`; nil when none waits. Runners in other processes skip the row while this one claims it.
    public static func claim(_ database: Database, now: Date, until: Date) async throws -> Claim? {
        try await database.transaction { connection in
            let rows = try await connection.query("""
                update pmo.data_export_queue q set claimed_until = \(until)
                from (select tenant_id, export_id from pmo.data_export_queue
                      where claimed_until is null or claimed_until < \(now)
                      order by queued_at limit 1 for update skip locked) next
                where q.tenant_id = next.tenant_id and q.export_id = next.export_id
                returning q.tenant_id, q.export_id
                """, logger: database.logger)
            for try await (tenant, export) in rows.decode((TenantID, UUID).self) {
                return Claim(tenantID: tenant, exportID: export)
            }
            return nil
        }
    }

    /// Leaves a claimed export for a later try, no sooner than `retryAt`.
    public static func postpone(_ claim: Claim, until retryAt: Date, _ database: Database) async throws {
        try await database.query("""
            update pmo.data_export_queue set claimed_until = \(retryAt)
            where tenant_id = \(claim.tenantID) and export_id = \(claim.exportID)
            """)
    }

    /// Takes a finished export off the queue.
    public static func remove(_ claim: Claim, _ database: Database) async throws {
        try await database.query("""
            delete from pmo.data_export_queue where tenant_id = \(claim.tenantID) and export_id = \(claim.exportID)
            """)
    }
}

/// The tenant already has an export queued or running: one at a time, so one tenant's exports cannot
/// hold up every other tenant's.
public struct ExportPending: Error, Equatable, Sendable {
    public init() {}
}
