public import Domain
public import Foundation
public import Persistence
import Synchronization

/// Counts authenticated calls per tenant, day, operation and status class in memory; `flush` adds
/// them to the database in one statement. A failed flush keeps the counts for the next one, and the
/// server flushes on graceful shutdown, so an acknowledged call is never lost from usage.
public final class UsageMeter: Sendable {
    let counts = Mutex([UsageKey: Int64]())

    public init() {}

    public func record(tenantID: TenantID, operationID: String, status: Int, at now: Date) {
        let day = CalendarDate(daysSinceEpoch: Int((now.timeIntervalSince1970 / 86_400).rounded(.down)))
        let key = UsageKey(tenantID: tenantID, day: day, operationID: operationID,
                           statusClass: StatusClass(status: status))
        counts.withLock { $0[key, default: 0] += 1 }
    }

    /// Calls counted but not yet flushed.
    public var pendingCalls: Int64 {
        counts.withLock { $0.values.reduce(0, +) }
    }

    public func flush(database: Database) async throws {
        let batch = counts.withLock { counts in
            defer { counts = [:] }
            return counts
        }
        guard !batch.isEmpty else { return }
        do {
            try await UsageStore.add(batch, database: database)
        } catch {
            counts.withLock { counts in
                for (key, value) in batch { counts[key, default: 0] += value }
            }
            throw error
        }
    }
}
