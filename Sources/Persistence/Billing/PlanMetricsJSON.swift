import Domain
import Foundation

/// The `plans.metrics` document: per metric code, its included quantity, hard quota and tiers, in the
/// same shape (and field names) as the API's plan body.
enum PlanMetricsJSON {
    struct Tier: Codable {
        var upTo: Int64?
        var unitPrice: Int64
        var per: Int64
    }

    struct Metric: Codable {
        var included: Int64
        var hardQuota: Int64?
        var tiers: [Tier]
    }

    static func encode(_ metrics: [BillingMetric: MetricTerms]) -> String {
        let document = Dictionary(uniqueKeysWithValues: metrics.map { metric, terms in
            (metric.rawValue, Metric(included: terms.included, hardQuota: terms.hardQuota,
                                     tiers: terms.tiers.map { Tier(upTo: $0.upTo, unitPrice: $0.unitPrice, per: $0.per) }))
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding plain integers and strings cannot fail.
        return String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Nil for a document the code cannot read (only possible through manual edits).
    static func decode(_ text: String) -> [BillingMetric: MetricTerms]? {
        guard let document = try? JSONDecoder().decode([String: Metric].self, from: Data(text.utf8)) else { return nil }
        var metrics: [BillingMetric: MetricTerms] = [:]
        for (code, metric) in document {
            guard let key = BillingMetric(rawValue: code) else { return nil }
            metrics[key] = MetricTerms(included: metric.included,
                                       tiers: metric.tiers.map { PriceTier(upTo: $0.upTo, unitPrice: $0.unitPrice, per: $0.per) },
                                       hardQuota: metric.hardQuota)
        }
        return metrics
    }
}
