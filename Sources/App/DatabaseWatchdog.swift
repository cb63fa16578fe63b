import Persistence
import ServiceLifecycle

/// Probes the database every `interval` over a pool of its own (a probe not answered within its
/// limit counts as a failure) and keeps `DatabaseHealth` current, so requests fail fast with 503
/// while it is unreachable. A failed probe also ends the requests already waiting on the database:
/// waiters for a connection get 503 and connections held longer than a probe's limit are closed
/// (a frozen database would otherwise keep them until it wakes).
struct DatabaseWatchdog: Service {
    let health: DatabaseHealth
    let probe: Database
    let requests: DatabasePool
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if await !health.probe(probe) {
                requests.databaseUnreachable(cuttingLeasesHeldFor: probe.pool.limits.leaseLimit ?? interval)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Runs a pool's maintenance until graceful shutdown, then closes it. Listed before the services
/// that use it, so it stops after them (ServiceLifecycle stops services in reverse order).
struct DatabasePoolService: Service {
    let pool: DatabasePool

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await pool.run()
            } onCancel: {
                pool.close()
            }
        } onGracefulShutdown: {
            pool.close()
        }
    }
}
