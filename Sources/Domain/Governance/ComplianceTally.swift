/// How many judged periods met their terms (the compliance dashboard of docs/DOMAIN.md §5).
public struct ComplianceTally: Equatable, Sendable {
    public private(set) var evaluated = 0
    public private(set) var met = 0

    public init() {}

    public mutating func add(met: Bool) {
        evaluated += 1
        if met { self.met += 1 }
    }

    /// met / evaluated as a percentage with two decimals (half away from zero, decided in integers);
    /// nil when nothing was judged.
    public var sharePercent: Double? {
        guard let hundredths = MinorUnits.roundedQuotient(Int128(met) * 10_000, Int128(evaluated)) else { return nil }
        return Double(hundredths) / 100
    }
}
