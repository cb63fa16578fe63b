/// Red, amber, green: how a project stands on one dimension of its status report.
public enum RAG: String, CaseIterable, Sendable, Comparable {
    case green, amber, red

    /// Worse is greater: `max` of several is the worst of them.
    public static func < (lhs: RAG, rhs: RAG) -> Bool { lhs.severity < rhs.severity }

    var severity: Int {
        switch self {
        case .green: 0
        case .amber: 1
        case .red: 2
        }
    }
}

/// The RAG a status report is proposed from the project's data (docs/DOMAIN.md §4), with the
/// reasons a PMO lead reads before accepting or overriding it.
public struct RAGProposal: Equatable, Sendable {
    /// One dimension: its RAG (nil when the data to judge it is missing) and why.
    public struct Dimension: Equatable, Sendable {
        public let rag: RAG?
        public let reasons: [String]
    }

    public let schedule: Dimension
    public let cost: Dimension
    public let risk: Dimension
    /// The worst of the dimensions that could be judged; nil when none could.
    public var overall: RAG? { [schedule.rag, cost.rag, risk.rag].compactMap { $0 }.max() }

    /// SPI and CPI bands: at least 0.95 green, at least 0.85 amber, below red.
    public static func band(index: Double) -> RAG {
        index >= 0.95 ? .green : index >= 0.85 ? .amber : .red
    }

    /// The highest open risk score: 15 or more red, 8 or more amber, below (or no open risk) green.
    public static func band(highestRiskScore score: Int?) -> RAG {
        guard let score else { return .green }
        return score >= 15 ? .red : score >= 8 ? .amber : .green
    }

    /// Schedule from SPI, cost from CPI (nil: earned value cannot say, e.g. nothing planned or spent
    /// yet), risk from the highest open risk score. A milestone overdue makes the schedule at least
    /// amber whatever SPI says, and is named.
    public init(spi: Double?, cpi: Double?, highestOpenRiskScore: Int?, overdueMilestones: [String]) {
        var scheduleReasons: [String] = []
        var scheduleRAG = spi.map(Self.band(index:))
        if let spi { scheduleReasons.append("SPI \(Self.format(spi)) is \(Self.band(index: spi).rawValue) (green from 0.95, amber from 0.85)") }
        else { scheduleReasons.append("no SPI: nothing was planned to date") }
        if !overdueMilestones.isEmpty {
            scheduleRAG = max(scheduleRAG ?? .amber, .amber)
            scheduleReasons.append("overdue milestones: " + overdueMilestones.joined(separator: ", "))
        }
        schedule = Dimension(rag: scheduleRAG, reasons: scheduleReasons)
        cost = Dimension(rag: cpi.map(Self.band(index:)), reasons: [
            cpi.map { "CPI \(Self.format($0)) is \(Self.band(index: $0).rawValue) (green from 0.95, amber from 0.85)" }
                ?? "no CPI: no actual cost was booked to date",
        ])
        let riskRAG = Self.band(highestRiskScore: highestOpenRiskScore)
        risk = Dimension(rag: riskRAG, reasons: [
            highestOpenRiskScore.map { "highest open risk score \($0) is \(riskRAG.rawValue) (red from 15, amber from 8)" }
                ?? "no open risk",
        ])
    }

    /// Two decimals, as a report shows an index.
    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        return "\(sign)\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)"
    }
}
