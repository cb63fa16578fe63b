public import Domain
import Persistence
import PostgresNIO

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

extension TestEnvironment {
    /// Moves a tenant's one subscription back to start on `startsOn`, billed from `anchorDay`, so that
    /// tests can invoice a period that has closed.
    public func backdateSubscription(of tenant: TenantID, to startsOn: CalendarDate, anchorDay: Int = 1) async throws {
        try await withOwner { database in
            _ = try await database.query("""
                update subscriptions set starts_on = \(startsOn), anchor_day = \(Int16(anchorDay)) where tenant_id = \(tenant)
                """)
        }
    }

    /// Adds metered calls as the meter's flush would have.
    public func addUsage(_ tenant: TenantID, day: CalendarDate, operation: String = "listProjects", statusClass: Int16 = 2,
                         calls: Int64) async throws {
        try await withOwner { database in
            _ = try await database.query("""
                insert into usage_counters (tenant_id, day, operation_id, status_class, calls)
                values (\(tenant), \(day), \(operation), \(statusClass), \(calls))
                """)
        }
    }
}
