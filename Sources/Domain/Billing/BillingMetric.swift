/// What a plan includes, prices and limits (docs/DOMAIN.md, "Billing and usage").
///
/// `apiRequests` is a counter: a period's quantity is the sum of its days' authenticated calls. The
/// others are gauges, sampled once a day: a period's quantity is the highest daily sample (a tenant
/// that had 12 members for one day of the month used 12 members that month).
public enum BillingMetric: String, CaseIterable, Sendable, Comparable {
    case apiRequests = "api_requests"
    /// Projects not closed: proposed, active or on hold (completed and cancelled ones do not count).
    case activeProjects = "active_projects"
    case members
    case apiClients = "api_clients"

    public var isGauge: Bool { self != .apiRequests }

    public static func < (lhs: BillingMetric, rhs: BillingMetric) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
