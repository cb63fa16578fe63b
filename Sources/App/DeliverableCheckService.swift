import Domain
import Logging
import Persistence
import ServiceLifecycle
import UseCases

/// Opens the breaches of deliverables that fell due undelivered (docs/DOMAIN.md §5), for every tenant,
/// shortly after start and then every hour, so a new day is judged within an hour of midnight UTC
/// even when nobody reads. Reads judge their own tenant first as well; both are idempotent.
struct DeliverableCheckService: Service {
    let database: Database
    let environment: Domain.Environment
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(30)) }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = environment.now()
            do {
                let opened = try await DeliverableCheck.sweep(database, today: CalendarDate(utcDate: now), now: now,
                                                              newID: environment.newID)
                if opened > 0 { logger.info("deliverable check opened breaches", metadata: ["breaches": "\(opened)"]) }
            } catch {
                logger.error("deliverable check failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
