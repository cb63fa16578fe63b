public import Domain
import PostgresNIO

/// The rate limits tenants' plans give them today (see `pmo.tenant_rate_limits`).
public enum RateLimitPolicies {
    /// The policies of `tenants` (every tenant when nil) on `today`; a tenant with no subscription in
    /// force is absent.
    public static func load(_ tenants: [TenantID]?, today: CalendarDate, database: Database) async throws -> [TenantID: RateLimitPolicy] {
        let rows = try await database.query("select * from pmo.tenant_rate_limits(\(tenants), \(today))")
        var policies: [TenantID: RateLimitPolicy] = [:]
        for try await (tenant, rate, burst) in rows.decode((TenantID, Int32, Int32).self) {
            policies[tenant] = RateLimitPolicy(requestsPerSecond: Int(rate), burst: Int(burst))
        }
        return policies
    }
}
