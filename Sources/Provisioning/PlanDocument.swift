public import Domain
import Yams

/// A plan file for `pmo-admin plan create|edit` (YAML, or JSON, which is YAML too), in the shape of
/// the platform API's plan body:
///
///     code: starter
///     name: Starter
///     currency: EUR
///     baseFee: 4900                      # minor units per billing period
///     rateLimit: {requestsPerSecond: 10, burst: 50}
///     metrics:
///       api_requests:
///         included: 100000
///         hardQuota: 500000              # optional
///         tiers:                         # graduated, over the units beyond `included`
///           - {upTo: 900000, unitPrice: 20, per: 1000}
///           - {unitPrice: 10, per: 1000} # no upTo: unbounded
///
/// Structural mistakes are reported with their line; the plan's own rules (`PlanTerms.check`) after.
public enum PlanDocument {
    public static func parse(_ text: String) throws(ManifestError) -> PlanTerms {
        let reader = try FieldReader.document(text, of: "plan fields")
        try reader.allow(["code", "name", "currency", "baseFee", "rateLimit", "metrics"])
        let rate = try reader.mapping("rateLimit")
        try rate.allow(["requestsPerSecond", "burst"])
        var metrics: [BillingMetric: MetricTerms] = [:]
        if let metricsNode = reader.node("metrics"), metricsNode.null == nil {
            guard let metricsMapping = metricsNode.mapping else { throw reader.error("metrics", "must be a mapping by metric") }
            for (key, node) in metricsMapping {
                guard let name = key.string, let metric = BillingMetric(rawValue: name) else {
                    throw ManifestError(line: key.mark?.line, field: "metrics." + (key.string ?? "?"), message:
                        "unknown metric; expected one of \(BillingMetric.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard let terms = node.mapping else {
                    throw ManifestError(line: node.mark?.line, field: "metrics." + name, message: "must be a mapping")
                }
                metrics[metric] = try Self.metric(FieldReader(mapping: terms, path: "metrics.\(name)."))
            }
        }
        return PlanTerms(
            code: try reader.string("code"), name: try reader.string("name"), currency: try reader.string("currency"),
            baseFee: try reader.requiredInteger("baseFee"), metrics: metrics,
            rateLimit: RateLimitPolicy(requestsPerSecond: Int(clamping: try rate.requiredInteger("requestsPerSecond")),
                                       burst: Int(clamping: try rate.requiredInteger("burst"))))
    }

    static func metric(_ reader: FieldReader) throws(ManifestError) -> MetricTerms {
        try reader.allow(["included", "hardQuota", "tiers"])
        var tiers: [PriceTier] = []
        for (index, node) in try reader.sequence("tiers").enumerated() {
            guard let tier = node.mapping else { throw reader.error("tiers", "item \(index + 1) must be a mapping", node) }
            let tierReader = FieldReader(mapping: tier, path: reader.path + "tiers[\(index)].")
            try tierReader.allow(["upTo", "unitPrice", "per"])
            tiers.append(PriceTier(upTo: try tierReader.optionalInteger("upTo"), unitPrice: try tierReader.requiredInteger("unitPrice"),
                                   per: try tierReader.optionalInteger("per") ?? 1))
        }
        return MetricTerms(included: try reader.optionalInteger("included") ?? 0, tiers: tiers,
                           hardQuota: try reader.optionalInteger("hardQuota"))
    }
}
