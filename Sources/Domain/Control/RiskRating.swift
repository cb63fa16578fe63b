/// A risk's rating (docs/DOMAIN.md §4): probability and impact, each 1–5; its score is their product
/// (1–25), which orders the risk register and places the risk on the 5×5 heat map.
public struct RiskRating: Equatable, Hashable, Sendable {
    public static let scale = 1...5

    public let probability: Int
    public let impact: Int

    /// Nil unless both are on the 1–5 scale.
    public init?(probability: Int, impact: Int) {
        guard Self.scale.contains(probability), Self.scale.contains(impact) else { return nil }
        self.probability = probability
        self.impact = impact
    }

    public var score: Int { probability * impact }
}

/// How many open risks sit in each cell of the 5×5 grid: `cells[probability - 1][impact - 1]`.
public struct RiskHeatMap: Equatable, Sendable {
    public private(set) var cells: [[Int]]

    public init(_ ratings: some Sequence<RiskRating>) {
        cells = Array(repeating: Array(repeating: 0, count: RiskRating.scale.count), count: RiskRating.scale.count)
        for rating in ratings { cells[rating.probability - 1][rating.impact - 1] += 1 }
    }

    public func count(probability: Int, impact: Int) -> Int { cells[probability - 1][impact - 1] }
    public var total: Int { cells.joined().reduce(0, +) }
}
