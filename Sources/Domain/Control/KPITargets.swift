public import Foundation

/// Which way a KPI improves.
public enum KPIDirection: String, CaseIterable, Sendable {
    case higherIsBetter = "higher_is_better"
    case lowerIsBetter = "lower_is_better"

    /// Whether `value` strictly beats `target`: equalling it is not beating it.
    public func beats(_ value: Decimal, _ target: Decimal) -> Bool {
        self == .higherIsBetter ? value > target : value < target
    }

    /// The better of two values.
    public func best(_ a: Decimal, _ b: Decimal) -> Decimal { beats(b, a) ? b : a }
}

/// How a KPI's target for each period is set (docs/DOMAIN.md §4).
public enum KPITargetPolicy: Equatable, Sendable {
    /// The same target every period.
    case fixed(Decimal)
    /// "Beat its own best": a period's target is the best value of any earlier period, tightened by
    /// `stepPercent` (2 for 2 %) in the KPI's direction; until a period has been measured, `baseline`.
    case outperform(baseline: Decimal, stepPercent: Decimal?)
}

/// A period of a KPI as judged: its target, its value if measured, and whether the value met the
/// target (nil when not measured).
public struct KPIPeriodResult: Equatable, Sendable {
    public let target: Decimal
    public let value: Decimal?
    public var met: Bool? { value.map { direction.beats($0, target) } }
    let direction: KPIDirection
}

public enum KPITargets {
    /// Every period's target and verdict, from the values in period order (nil: not measured). A
    /// pure function of all the values, so correcting an earlier period recomputes every later target.
    public static func evaluate(_ values: [Decimal?], policy: KPITargetPolicy, direction: KPIDirection) -> [KPIPeriodResult] {
        var results: [KPIPeriodResult] = []
        var bestSoFar: Decimal?
        for value in values {
            let target: Decimal
            switch policy {
            case .fixed(let fixed):
                target = fixed
            case .outperform(let baseline, let step):
                target = bestSoFar.map { tightened($0, by: step, direction) } ?? baseline
            }
            results.append(KPIPeriodResult(target: target, value: value, direction: direction))
            if let value { bestSoFar = bestSoFar.map { direction.best($0, value) } ?? value }
        }
        return results
    }

    /// `best` moved by `step` percent of itself in the direction of improvement.
    static func tightened(_ best: Decimal, by step: Decimal?, _ direction: KPIDirection) -> Decimal {
        guard let step, step != 0 else { return best }
        let change = abs(best) * step / 100
        return direction == .higherIsBetter ? best + change : best - change
    }

    /// How far a value reached its target, in percent: value ÷ target for higher-is-better,
    /// target ÷ value for lower-is-better; nil when the divisor is zero.
    public static func attainment(value: Decimal, target: Decimal, direction: KPIDirection) -> Decimal? {
        let (numerator, denominator) = direction == .higherIsBetter ? (value, target) : (target, value)
        guard denominator != 0 else { return nil }
        return numerator / denominator * 100
    }
}
