public import Domain
import Persistence

extension TestEnvironment {
    /// Adds a plan to the catalogue (as a platform admin would), for tests that need particular terms.
    public func createPlan(_ code: String, requestsPerSecond: Int = 500, burst: Int = 1_000,
                           metrics: [BillingMetric: MetricTerms] = [:], baseFee: Int64 = 10_000) async throws {
        let terms = PlanTerms(code: code, name: "Plan \(code)", currency: "EUR", baseFee: baseFee, metrics: metrics,
                              rateLimit: RateLimitPolicy(requestsPerSecond: requestsPerSecond, burst: burst))
        try await withOwner { database in
            _ = try await database.transaction { connection in
                try await PlanStore(connection: connection, logger: database.logger)
                    .define(terms, id: Domain.Environment.live.newID(), requireNew: true)
            }
        }
    }
}
