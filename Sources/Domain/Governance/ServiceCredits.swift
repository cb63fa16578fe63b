public import struct Foundation.UUID

/// A breach's life (docs/DOMAIN.md §5): open until it is waived (by a decision, with a reason) or its
/// credit is given to the client (credited).
public enum BreachStatus: String, CaseIterable, Sendable {
    case open
    case waived
    case credited

    public var allowedNext: [BreachStatus] {
        switch self {
        case .open: [.waived, .credited]
        // A waiver can be withdrawn (the decision reversed); a credit given is final.
        case .waived: [.open]
        case .credited: []
        }
    }
}

/// Whether a breach's credit is earned back: offered when the obligation allows it, earned when
/// the next N periods are all met, forfeited as soon as one of them is breached, pending until then.
public enum EarnBack: String, Sendable {
    case notOffered = "not_offered"
    case pending
    case earned
    case forfeited

    /// `following`: the outcomes of the periods after the breach, in order (true met, false breached,
    /// nil not measured yet).
    public static func state(periods: Int?, following: [Bool?]) -> EarnBack {
        guard let periods, periods > 0 else { return .notOffered }
        let window = following.prefix(periods)
        if window.contains(false) { return .forfeited }
        return window.count == periods && window.allSatisfy({ $0 == true }) ? .earned : .pending
    }
}

/// One breach assessed in a month, as the credit statement needs it.
public struct CreditableBreach: Sendable, Equatable {
    public var breachID: UUID
    public var obligationID: UUID
    public var period: MeasurementPeriod
    public var creditBasisPoints: Int
    public var status: BreachStatus
    public var earnBack: EarnBack

    public init(breachID: UUID, obligationID: UUID, period: MeasurementPeriod, creditBasisPoints: Int,
                status: BreachStatus, earnBack: EarnBack) {
        self.breachID = breachID
        self.obligationID = obligationID
        self.period = period
        self.creditBasisPoints = creditBasisPoints
        self.status = status
        self.earnBack = earnBack
    }
}

/// One line of a month's credit statement.
public struct CreditLine: Sendable, Equatable {
    public var breach: CreditableBreach
    /// Monthly fee × the breach's percent, rounded half up to a whole minor unit.
    public var grossAmount: Int64
    /// What the line adds to the month: the gross amount, or 0 when waived or earned back.
    public var amount: Int64
}

/// A contract's service credits for one month (docs/DOMAIN.md §5).
public struct CreditStatement: Sendable, Equatable {
    public var lines: [CreditLine]
    /// Sum of the lines' amounts.
    public var subtotal: Int64
    /// Monthly fee × cap, rounded down: the most a month can cost the provider.
    public var cap: Int64
    /// min(subtotal, cap).
    public var total: Int64
    public var isCapped: Bool { subtotal > cap }

    public static let roundingRule = """
        Each line is the monthly fee × the breach's percent, rounded half up to a whole minor unit; \
        a waived or earned-back breach adds 0. The total is the sum of the lines, limited to the monthly \
        fee × the contract's cap, rounded down.
        """

    /// Lines in period order (then breach id), so the statement reads the same every time.
    public static func compute(monthlyFee: Int64, capBasisPoints: Int, breaches: [CreditableBreach]) -> CreditStatement {
        let ordered = breaches.sorted { ($0.period.start, $0.breachID.uuidString) < ($1.period.start, $1.breachID.uuidString) }
        let lines = ordered.map { breach -> CreditLine in
            let gross = MinorUnits.saturating(
                MinorUnits.roundedQuotient(Int128(monthlyFee) * Int128(breach.creditBasisPoints), 10_000) ?? 0)
            let charged = breach.status != .waived && breach.earnBack != .earned
            return CreditLine(breach: breach, grossAmount: gross, amount: charged ? gross : 0)
        }
        let subtotal = MinorUnits.saturating(lines.reduce(Int128(0)) { $0 + Int128($1.amount) })
        let cap = MinorUnits.saturating(Int128(monthlyFee) * Int128(capBasisPoints) / 10_000)
        return CreditStatement(lines: lines, subtotal: subtotal, cap: cap, total: min(subtotal, cap))
    }
}
