public import Domain
public import Foundation
public import Persistence
import PostgresNIO
import Synchronization

/// Remembers when keys were used so `last_used_at` is written in batches, at most once a minute per
/// key, instead of a write on every request.
public final class KeyUsageTracker: Sendable {
    struct State {
        var lastWritten: [UUID: Date] = [:]
        var pending: [UUID: (tenant: TenantID, usedAt: Date)] = [:]
    }

    let interval: TimeInterval
    let state = Mutex(State())

    public init(interval: TimeInterval = 60) {
        self.interval = interval
    }

    public func recordUse(keyID: UUID, tenantID: TenantID, at now: Date) {
        state.withLock { state in
            if let written = state.lastWritten[keyID], now.timeIntervalSince(written) < interval { return }
            state.lastWritten[keyID] = now
            state.pending[keyID] = (tenantID, now)
        }
    }

    /// Writes the pending uses; on failure they are kept for the next attempt.
    public func flush(database: Database) async throws {
        let batch = state.withLock { state in
            defer { state.pending = [:] }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        let entries = Array(batch)
        do {
            try await database.transaction { connection in
                try await connection.query("""
                    select pmo.touch_api_keys(\(entries.map(\.value.tenant)), \(entries.map(\.key)), \(entries.map(\.value.usedAt)))
                    """, logger: database.logger)
            }
        } catch {
            state.withLock { state in
                for (key, value) in batch where state.pending[key] == nil { state.pending[key] = value }
            }
            throw error
        }
    }
}
