/// The overage of one metric in one period, tier by tier.
public struct TierCharge: Equatable, Sendable {
    /// The tier's position in the plan's list (0 first).
    public var tier: Int
    /// Overage units priced by this tier.
    public var quantity: Int64
    public var unitPrice: Int64
    public var per: Int64
    /// quantity × unitPrice ÷ per, rounded half up to a whole minor unit.
    public var amount: Int64

    public init(tier: Int, quantity: Int64, unitPrice: Int64, per: Int64, amount: Int64) {
        self.tier = tier
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.per = per
        self.amount = amount
    }
}

extension MetricTerms {
    /// How overage is priced, as the contract and the invoices state it.
    public static let roundingRule = """
        Each tier's line is its overage units × the tier's unit price ÷ its per-quantity, rounded half up \
        to a whole minor unit; the invoice total is the sum of its lines.
        """

    /// Units used beyond the included quantity (never negative).
    public func overage(of used: Int64) -> Int64 { max(0, used - included) }

    /// The charge for `used` units in one period: the units beyond the included quantity priced tier
    /// by tier (graduated), one charge per tier that prices any. With 10,000 included and tiers of
    /// 50 per 1,000 up to 90,000 overage units then 30 per 1,000, 250,000 used is 90,000 at 50 and
    /// 150,000 at 30 per 1,000: 4,500 + 4,500. Units beyond a bounded last tier are not charged
    /// (`check` lets an operator bound the last tier only deliberately).
    public func charges(for used: Int64) -> [TierCharge] {
        var remaining = overage(of: used)
        var lowerBound: Int64 = 0
        var charges: [TierCharge] = []
        for (index, tier) in tiers.enumerated() where remaining > 0 {
            let width = tier.upTo.map { $0 - lowerBound } ?? .max
            let units = min(remaining, width)
            let amount = MinorUnits.saturating(
                MinorUnits.roundedQuotient(Int128(units) * Int128(tier.unitPrice), Int128(tier.per)) ?? 0)
            charges.append(TierCharge(tier: index, quantity: units, unitPrice: tier.unitPrice, per: tier.per, amount: amount))
            remaining -= units
            lowerBound = tier.upTo ?? lowerBound
        }
        return charges
    }
}
