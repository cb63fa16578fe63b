/// A plan version in force over part of a billing period.
public struct SubscriptionSegment: Equatable, Sendable {
    public var planVersionID: String
    public var terms: PlanTerms
    /// First day in force within the period.
    public var from: CalendarDate
    /// First day no longer in force (at most the period's end).
    public var until: CalendarDate

    public init(planVersionID: String, terms: PlanTerms, from: CalendarDate, until: CalendarDate) {
        self.planVersionID = planVersionID
        self.terms = terms
        self.from = from
        self.until = until
    }

    public var days: Int { until.daysSinceEpoch - from.daysSinceEpoch }
}

/// One line of an invoice, in the invoice's currency.
public struct InvoiceLineDraft: Equatable, Sendable {
    public enum Kind: String, Sendable { case baseFee = "base_fee", overage }

    public var kind: Kind
    public var description: String
    /// The metric of an overage line.
    public var metric: BillingMetric?
    /// Days in force for a base-fee line; overage units for an overage line.
    public var quantity: Int64
    /// The base fee, or the tier's unit price (per `per` units).
    public var unitPrice: Int64
    public var per: Int64
    public var amount: Int64

    public init(kind: Kind, description: String, metric: BillingMetric?, quantity: Int64, unitPrice: Int64, per: Int64,
                amount: Int64) {
        self.kind = kind
        self.description = description
        self.metric = metric
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.per = per
        self.amount = amount
    }
}

/// An invoice before it is stored: the period's lines and their total.
public struct InvoiceDraft: Equatable, Sendable {
    public var currency: String
    public var lines: [InvoiceLineDraft]
    public var total: Int64 { lines.reduce(0) { $0 + $1.amount } }

    public init(currency: String, lines: [InvoiceLineDraft]) {
        self.currency = currency
        self.lines = lines
    }
}

/// Turns a closed period's subscription segments and usage into invoice lines (docs/DOMAIN.md,
/// "Billing and usage"):
/// - one base-fee line per plan version in force, prorated by day (`Proration`);
/// - usage is charged under the plan version in force on the period's last day, with that version's
///   included quantities in full: one overage line per tier that prices any units.
public enum InvoiceCalculation {
    public struct MixedCurrencies: Error, Equatable {
        public let currencies: [String]
        public init(currencies: [String]) { self.currencies = currencies }
    }

    public static func draft(period: BillingPeriod, segments: [SubscriptionSegment],
                             usage: [BillingMetric: Int64]) throws -> InvoiceDraft? {
        let ordered = segments.filter { $0.days > 0 }.sorted { $0.from < $1.from }
        guard let closing = ordered.last else { return nil }
        let currencies = Set(ordered.map(\.terms.currency))
        // Plans in different currencies cannot share an invoice; a plan change across currencies is
        // refused when it is made, so this only reports data edited by hand.
        guard currencies.count == 1 else { throw MixedCurrencies(currencies: currencies.sorted()) }
        var lines: [InvoiceLineDraft] = []
        for segment in ordered {
            let whole = segment.days == period.days
            lines.append(InvoiceLineDraft(
                kind: .baseFee,
                description: whole
                    ? "\(segment.terms.name) base fee, \(period)"
                    : "\(segment.terms.name) base fee, \(segment.from) to \(segment.until.adding(days: -1)) (\(segment.days) of \(period.days) days)",
                metric: nil, quantity: Int64(segment.days), unitPrice: segment.terms.baseFee, per: Int64(period.days),
                amount: Proration.share(of: segment.terms.baseFee, daysInForce: segment.days, periodDays: period.days)))
        }
        for metric in BillingMetric.allCases {
            let terms = closing.terms.terms(for: metric)
            for charge in terms.charges(for: usage[metric] ?? 0) {
                lines.append(InvoiceLineDraft(
                    kind: .overage,
                    description: "\(metric.rawValue) beyond \(terms.included) included, tier \(charge.tier + 1)",
                    metric: metric, quantity: charge.quantity, unitPrice: charge.unitPrice, per: charge.per,
                    amount: charge.amount))
            }
        }
        return InvoiceDraft(currency: closing.terms.currency, lines: lines)
    }
}
