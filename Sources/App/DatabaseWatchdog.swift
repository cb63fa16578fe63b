import Persistence
import ServiceLifecycle

/// Probes the database every `interval` (a probe failing, or taking longer than five intervals,
/// marks it unreachable) and keeps `DatabaseHealth` current, so requests fail fast with 503 while
/// it is unreachable.
struct DatabaseWatchdog: Service {
    let health: DatabaseHealth
    let database: Database
    let target: String
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await health.probe(database, target: target, limit: interval * 5)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
