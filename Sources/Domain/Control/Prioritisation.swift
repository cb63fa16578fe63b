/// Ranking proposed projects by a weighted score, and choosing among them under a budget
/// (docs/DOMAIN.md §3), without touching live data.
public enum Prioritisation {
    /// A proposed project's assessment: value and alignment (higher is better), risk and cost
    /// (lower is better), each scored 1–5; `cost` in minor units is what the budget counts.
    public struct Candidate: Equatable, Sendable {
        public let id: String
        public let value, alignment, risk, costScore: Int
        public let cost: Int64

        public init(id: String, value: Int, alignment: Int, risk: Int, costScore: Int, cost: Int64) {
            self.id = id
            self.value = value
            self.alignment = alignment
            self.risk = risk
            self.costScore = costScore
            self.cost = cost
        }
    }

    /// The tenant's weights of the four criteria (any non-negative numbers, not all zero).
    public struct Weights: Equatable, Sendable {
        public let value, alignment, risk, cost: Int

        public init(value: Int, alignment: Int, risk: Int, cost: Int) {
            self.value = value
            self.alignment = alignment
            self.risk = risk
            self.cost = cost
        }

        public static let even = Weights(value: 1, alignment: 1, risk: 1, cost: 1)
        public var isValid: Bool { [value, alignment, risk, cost].allSatisfy { $0 >= 0 } && total > 0 }
        var total: Int { value + alignment + risk + cost }
    }

    public struct Ranked: Equatable, Sendable {
        public let candidate: Candidate
        /// 1–5 (weighted mean with risk and cost reversed: a risk of 1 scores 5), in hundredths.
        public let scoreHundredths: Int
        public let rank: Int
    }

    /// The weighted score, in hundredths (exact integer arithmetic, rounded half up).
    public static func score(_ candidate: Candidate, _ weights: Weights) -> Int {
        let reversedRisk = 6 - candidate.risk, reversedCost = 6 - candidate.costScore
        let weighted = weights.value * candidate.value + weights.alignment * candidate.alignment
            + weights.risk * reversedRisk + weights.cost * reversedCost
        return (weighted * 200 + weights.total) / (2 * weights.total)
    }

    /// Highest score first; ties go to the cheaper project, then by id, so the order is stable.
    public static func rank(_ candidates: [Candidate], _ weights: Weights) -> [Ranked] {
        let scored: [(candidate: Candidate, score: Int)] = candidates.map { ($0, score($0, weights)) }
        let ordered = scored.sorted(by: comesFirst)
        return ordered.enumerated().map { index, entry in
            Ranked(candidate: entry.candidate, scoreHundredths: entry.score, rank: index + 1)
        }
    }

    static func comesFirst(_ a: (candidate: Candidate, score: Int), _ b: (candidate: Candidate, score: Int)) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.candidate.cost != b.candidate.cost { return a.candidate.cost < b.candidate.cost }
        return a.candidate.id < b.candidate.id
    }

    public struct Scenario: Equatable, Sendable {
        public let ranked: [Ranked]
        public let selected: [String]
        public let budgetUsed: Int64
        /// Why each project not selected was left out.
        public let leftOut: [String: String]
    }

    public enum ScenarioRefusal: Error, Equatable, Sendable {
        /// The forced projects alone cost more than the budget.
        case forcedOverBudget(cost: Int64, budget: Int64)
        case forcedAndExcluded([String])
    }

    /// Forced projects first, then the others in rank order while they fit under the budget;
    /// excluded projects never.
    public static func scenario(_ candidates: [Candidate], _ weights: Weights, budget: Int64,
                                forced: Set<String> = [], excluded: Set<String> = []) throws(ScenarioRefusal) -> Scenario {
        let both = forced.intersection(excluded)
        guard both.isEmpty else { throw .forcedAndExcluded(both.sorted()) }
        let ranked = rank(candidates, weights)
        let forcedCost = ranked.filter { forced.contains($0.candidate.id) }.reduce(Int64(0)) { $0 + $1.candidate.cost }
        guard forcedCost <= budget else { throw .forcedOverBudget(cost: forcedCost, budget: budget) }
        var used = forcedCost
        var selected = Set(forced)
        var leftOut: [String: String] = [:]
        for entry in ranked where !forced.contains(entry.candidate.id) {
            let id = entry.candidate.id
            if excluded.contains(id) {
                leftOut[id] = "excluded"
            } else if used + entry.candidate.cost <= budget {
                used += entry.candidate.cost
                selected.insert(id)
            } else {
                leftOut[id] = "over budget: \(budget - used) left, needs \(entry.candidate.cost)"
            }
        }
        return Scenario(ranked: ranked, selected: ranked.map(\.candidate.id).filter(selected.contains), budgetUsed: used,
                        leftOut: leftOut)
    }
}
