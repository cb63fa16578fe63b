/// One metric of a period's usage against the plan, so far and projected to the period's end.
public struct MetricUsage: Equatable, Sendable {
    public var metric: BillingMetric
    public var used: Int64
    public var included: Int64
    public var hardQuota: Int64?
    /// Units beyond the included quantity so far, and what they cost under the plan's tiers.
    public var overage: Int64
    public var overageAmount: Int64
    /// At the period's end if use goes on as it has: a counter at its daily rate so far, a gauge at
    /// its peak so far.
    public var projected: Int64
    public var projectedAmount: Int64
}

/// An included quantity crossed: recorded once per period, metric and threshold.
public struct UsageAlert: Equatable, Sendable {
    public var metric: BillingMetric
    /// 80 or 100 (% of the included quantity).
    public var threshold: Int
    public var used: Int64
    public var included: Int64

    public init(metric: BillingMetric, threshold: Int, used: Int64, included: Int64) {
        self.metric = metric
        self.threshold = threshold
        self.used = used
        self.included = included
    }

    public static let thresholds = [80, 100]
}

public enum UsageProjection {
    /// Usage of every metric in `period` as of `today` (inside the period), under `terms`.
    public static func summary(period: BillingPeriod, today: CalendarDate, terms: PlanTerms,
                               used: [BillingMetric: Int64]) -> [MetricUsage] {
        let elapsedDays = Int64(max(1, min(period.days, today.daysSinceEpoch - period.start.daysSinceEpoch + 1)))
        return BillingMetric.allCases.map { metric in
            let metricTerms = terms.terms(for: metric)
            let value = used[metric] ?? 0
            let projected = metric.isGauge
                ? value
                : MinorUnits.saturating(MinorUnits.roundedQuotient(Int128(value) * Int128(period.days), Int128(elapsedDays)) ?? Int128(value))
            return MetricUsage(
                metric: metric, used: value, included: metricTerms.included, hardQuota: metricTerms.hardQuota,
                overage: metricTerms.overage(of: value), overageAmount: metricTerms.charges(for: value).reduce(0) { $0 + $1.amount },
                projected: projected, projectedAmount: metricTerms.charges(for: projected).reduce(0) { $0 + $1.amount })
        }
    }

    /// The thresholds each metric has crossed: 80 % and 100 % of a non-zero included quantity.
    public static func alerts(_ usage: [MetricUsage]) -> [UsageAlert] {
        usage.flatMap { metric -> [UsageAlert] in
            guard metric.included > 0 else { return [] }
            return UsageAlert.thresholds.filter { Int128(metric.used) * 100 >= Int128(metric.included) * Int128($0) }
                .map { UsageAlert(metric: metric.metric, threshold: $0, used: metric.used, included: metric.included) }
        }
    }
}
