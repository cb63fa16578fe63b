/// One tier of a metric's overage price. Tiers are graduated: each prices only the overage units
/// that fall inside it (units beyond the included quantity, counted from 1).
public struct PriceTier: Equatable, Sendable {
    /// The last overage unit this tier prices (inclusive); nil for the unbounded last tier.
    public var upTo: Int64?
    /// Minor units charged per `per` units (50 per 1,000 requests: `unitPrice` 50, `per` 1,000).
    public var unitPrice: Int64
    public var per: Int64

    public init(upTo: Int64?, unitPrice: Int64, per: Int64 = 1) {
        self.upTo = upTo
        self.unitPrice = unitPrice
        self.per = per
    }
}

/// What a plan includes of one metric, what it charges beyond, and where it stops.
public struct MetricTerms: Equatable, Sendable {
    /// Units in the base fee each period.
    public var included: Int64
    /// Overage price; no tiers: usage beyond the included quantity is not charged.
    public var tiers: [PriceTier]
    /// The most the tenant may use (a write that would go beyond is refused); nil: no limit.
    public var hardQuota: Int64?

    public init(included: Int64, tiers: [PriceTier] = [], hardQuota: Int64? = nil) {
        self.included = included
        self.tiers = tiers
        self.hardQuota = hardQuota
    }

    /// A metric a plan does not name: nothing included, nothing charged, no limit.
    public static let unmetered = MetricTerms(included: 0)
}

/// How fast a tenant may call the API: a token bucket refilled at `requestsPerSecond` that holds at
/// most `burst` requests.
public struct RateLimitPolicy: Equatable, Sendable {
    public var requestsPerSecond: Int
    public var burst: Int

    public init(requestsPerSecond: Int, burst: Int) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }
}

/// A plan as an operator defines it (docs/DOMAIN.md, "Billing and usage"). Plans are versioned:
/// editing one stores the new terms as the next version, and a subscription keeps the version it is
/// on until it is moved.
public struct PlanTerms: Equatable, Sendable {
    public var code: String
    public var name: String
    /// ISO 4217, upper case (`EUR`).
    public var currency: String
    /// Per billing period, in minor units.
    public var baseFee: Int64
    public var metrics: [BillingMetric: MetricTerms]
    public var rateLimit: RateLimitPolicy

    public init(code: String, name: String, currency: String, baseFee: Int64, metrics: [BillingMetric: MetricTerms],
                rateLimit: RateLimitPolicy) {
        self.code = code
        self.name = name
        self.currency = currency
        self.baseFee = baseFee
        self.metrics = metrics
        self.rateLimit = rateLimit
    }

    public func terms(for metric: BillingMetric) -> MetricTerms { metrics[metric] ?? .unmetered }

    /// The highest rate a plan may grant, per second: beyond it one tenant could starve the others.
    public static let maximumRequestsPerSecond = 10_000

    /// `^[a-z0-9][a-z0-9_-]{1,39}$`: plan codes appear in manifests and commands.
    public static func isValidCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard (2...40).contains(bytes.count), let first = bytes.first, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Every rule the terms break, each at its JSON pointer (as the API's plan body spells it).
    public func check() throws(ValidationFailure) {
        var checks = FieldChecks()
        checks.require(Self.isValidCode(code), "/code", "must be 2 to 40 characters: lower-case letters, digits, - and _")
        checks.require(!name.isEmpty && name.count <= 200, "/name", "must be 1 to 200 characters")
        checks.require(currency.utf8.count == 3 && currency.utf8.allSatisfy { (65...90).contains($0) }, "/currency",
                       "must be an ISO 4217 code in upper case (EUR)")
        checks.require(baseFee >= 0, "/baseFee", "must not be negative")
        checks.require((1...Self.maximumRequestsPerSecond).contains(rateLimit.requestsPerSecond),
                       "/rateLimit/requestsPerSecond", "must be 1 to \(Self.maximumRequestsPerSecond)")
        checks.require(rateLimit.burst >= rateLimit.requestsPerSecond && rateLimit.burst <= 10 * Self.maximumRequestsPerSecond,
                       "/rateLimit/burst", "must be at least requestsPerSecond and at most \(10 * Self.maximumRequestsPerSecond)")
        for (metric, terms) in metrics.sorted(by: { $0.key < $1.key }) {
            terms.check(at: "/metrics/\(metric.rawValue)", into: &checks)
        }
        try checks.throwIfAny()
    }
}

extension MetricTerms {
    /// More tiers than this price nothing a plan needs and make every invoice line list long.
    public static let maximumTiers = 20

    func check(at pointer: String, into checks: inout FieldChecks) {
        checks.require(included >= 0, pointer + "/included", "must not be negative")
        checks.require(tiers.count <= Self.maximumTiers, pointer + "/tiers", "must have at most \(Self.maximumTiers) tiers")
        if let hardQuota {
            checks.require(hardQuota >= included, pointer + "/hardQuota", "must be at least the included quantity")
        }
        var previousBound: Int64 = 0
        var unbounded = false
        for (index, tier) in tiers.enumerated() {
            let at = "\(pointer)/tiers/\(index)"
            checks.require(tier.unitPrice >= 0, at + "/unitPrice", "must not be negative")
            checks.require(tier.per >= 1, at + "/per", "must be at least 1")
            checks.require(!unbounded, at, "follows the unbounded tier: only the last tier may leave out upTo")
            if let upTo = tier.upTo {
                checks.require(upTo > previousBound, at + "/upTo",
                               "must be above the previous tier's upTo (\(previousBound)): tiers may not overlap")
                previousBound = max(previousBound, upTo)
            } else {
                unbounded = true
            }
        }
    }
}
