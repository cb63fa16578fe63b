import Billing
import Domain
import Logging
import Persistence
import ServiceLifecycle

/// Reloads the rate limits of the tenants this process has served, so that a plan change (or a
/// scheduled one taking effect at midnight UTC) reaches their buckets within `interval`.
struct RateLimitRefreshService: Service {
    let limiter: RateLimiter
    let database: Database
    let environment: Domain.Environment
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let tenants = limiter.knownTenants
            guard !tenants.isEmpty, !Task.isShuttingDownGracefully else { continue }
            do {
                let today = CalendarDate(utcDate: environment.now())
                limiter.setPolicies(try await RateLimitPolicies.load(tenants, today: today, database: database))
            } catch {
                logger.warning("rate limit refresh failed; the current limits stay", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
