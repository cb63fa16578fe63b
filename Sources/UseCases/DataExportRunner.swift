public import Domain
public import Foundation
public import Logging
public import Persistence

/// Writes the tenants' requested data exports, one at a time, oldest first: claims one from the
/// queue, marks it running, reads the tenant's data in one repeatable-read transaction bound to the
/// tenant (row-level security applies as to any request), packs the files into a tar and stores it
/// with the export. An export that fails is tried again later, and failed for good after
/// `DataExportStatus.maximumAttempts` tries; one whose runner died is taken up again once its claim
/// lapses. Every runner of every server process may run at once: a claim is held by one.
public struct DataExportRunner: Sendable {
    let database: Database
    let environment: Domain.Environment
    /// How long a claim holds an export against other runners: longer than an export may take.
    let claimLease: TimeInterval
    let logger: Logger

    /// What the tenant reads on an export given up after repeated failures (never the cause, which
    /// is logged).
    public static let failure = "The export could not be written after \(DataExportStatus.maximumAttempts) attempts; request a new one."

    public init(database: Database, environment: Domain.Environment, claimLease: TimeInterval = 600, logger: Logger) {
        self.database = database
        self.environment = environment
        self.claimLease = claimLease
        self.logger = logger
    }

    /// Runs the oldest waiting export; false when none waits.
    @discardableResult
    public func runNext() async throws -> Bool {
        let now = environment.now()
        guard let claim = try await DataExportQueue.claim(database, now: now, until: now.addingTimeInterval(claimLease)) else {
            return false
        }
        let started = try await database.tenantTransaction(claim.tenantID) { scope in
            try await DataExportStore(scope).begin(claim.exportID, at: now)
        }
        guard let started else {
            // Finished meanwhile (a runner that died after storing it), or gone with its tenant.
            try await DataExportQueue.remove(claim, database)
            return true
        }
        guard started.attempts <= DataExportStatus.maximumAttempts else {
            try await giveUp(claim)
            return true
        }
        do {
            try await write(claim, attempt: started.attempts)
            try await DataExportQueue.remove(claim, database)
        } catch {
            logger.error("data export failed", metadata: [
                "tenant": "\(claim.tenantID.uuid)", "export": "\(claim.exportID)", "attempt": "\(started.attempts)",
                "error": "\(String(reflecting: error))"])
            if started.attempts >= DataExportStatus.maximumAttempts {
                try await giveUp(claim)
            } else {
                // Later tries wait longer: 30 s, then 60 s.
                try await DataExportQueue.postpone(
                    claim, until: environment.now().addingTimeInterval(30 * Double(started.attempts)), database)
            }
        }
        return true
    }

    func write(_ claim: DataExportQueue.Claim, attempt: Int) async throws {
        try await database.tenantTransaction(claim.tenantID, repeatableRead: true) { scope in
            let now = environment.now()
            guard let tenant = try await TenantStore.find(id: claim.tenantID, today: CalendarDate(utcDate: now),
                                                          connection: scope.connection, logger: scope.logger) else {
                throw MissingRow(table: "tenants")
            }
            let snapshot = try await TenantDataExport.snapshot(of: tenant, for: .tenant, scope.connection, logger: scope.logger,
                                                               at: now)
            let archive = try TarArchive.archive(try snapshot.allFiles, modified: now)
            try await DataExportStore(scope).complete(claim.exportID, attempt: attempt, archive: archive,
                                                      sha256: TenantDataExport.sha256(archive),
                                                      tables: snapshot.manifest.tables.count, rows: snapshot.rowCount, at: now)
        }
    }

    func giveUp(_ claim: DataExportQueue.Claim) async throws {
        try await database.tenantTransaction(claim.tenantID) { scope in
            try await DataExportStore(scope).fail(claim.exportID, failure: Self.failure, at: environment.now())
        }
        try await DataExportQueue.remove(claim, database)
    }
}
