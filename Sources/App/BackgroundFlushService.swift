import Auth
import Billing
import Logging
import Persistence
import PostgresNIO
import ServiceLifecycle

/// Writes metered usage and key last-use times every few seconds, and once more on graceful
/// shutdown (after the HTTP server has stopped taking requests), so a SIGTERM loses no counts.
struct BackgroundFlushService: Service {
    let meter: UsageMeter
    let keyUsage: KeyUsageTracker
    let database: Database
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var lastPurge = ContinuousClock.now
        // Cancellation (the group failing, e.g. the port is taken) ends the loop as well as a
        // graceful shutdown; either way the final flush below still runs.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
            if ContinuousClock.now - lastPurge > .seconds(3600) {
                lastPurge = ContinuousClock.now
                await purgeExpiredIdempotencyKeys()
            }
        }
        // Final flush: retried briefly, since these counts exist nowhere else.
        for attempt in 1...5 {
            if await flush() { return }
            logger.warning("final usage flush failed; retrying", metadata: ["attempt": "\(attempt)"])
            try? await Task.sleep(for: .milliseconds(200 * attempt))
        }
        logger.error("usage counts could not be written before shutdown",
                     metadata: ["calls": "\(meter.pendingCalls)"])
    }

    /// Idempotency records are replayed for 24 hours; older ones are deleted so the table stays small.
    func purgeExpiredIdempotencyKeys() async {
        do {
            for try await _ in try await database.query("select pmo.purge_idempotency_keys()") {}
        } catch {
            logger.error("idempotency purge failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Returns whether everything pending was written.
    @discardableResult
    func flush() async -> Bool {
        var ok = true
        do { try await meter.flush(database: database) } catch {
            ok = false
            logger.error("usage flush failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        do { try await keyUsage.flush(database: database) } catch {
            ok = false
            logger.error("key last-use flush failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        return ok
    }
}
