import Domain
import Logging
import Persistence
import ServiceLifecycle
import UseCases

/// Samples every tenant's gauges (active projects, members, API clients) shortly after start and
/// then hourly, and records the usage alerts each tenant has crossed (docs/DOMAIN.md §7). A day's
/// gauge value is its highest sample; several servers sampling the same hour change nothing.
struct UsageSampleService: Service {
    let database: Database
    let environment: Domain.Environment
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(20)) }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await sampleAll()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func sampleAll() async {
        do {
            for tenant in try await UsageLedger.tenantsInService(database) {
                guard !Task.isShuttingDownGracefully else { return }
                let now = environment.now()
                let today = CalendarDate(utcDate: now)
                try await database.tenantTransaction(tenant) { scope in
                    try await UsageLedger(scope).sample(on: today)
                    _ = try await PeriodUsage.current(scope, today: today, now: now, newID: environment.newID)
                }
            }
        } catch {
            logger.error("usage sample failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
