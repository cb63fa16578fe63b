public import struct Foundation.UUID

/// A gate decision (docs/DOMAIN.md §6).
public enum GateDecision: String, CaseIterable, Sendable {
    case go
    case noGo = "no_go"
}

/// A readiness criterion as the gate rule sees it.
public struct CriterionState: Equatable, Sendable {
    public var id: UUID
    public var title: String
    public var mandatory: Bool
    public var signedOff: Bool

    public init(id: UUID, title: String, mandatory: Bool, signedOff: Bool) {
        self.id = id
        self.title = title
        self.mandatory = mandatory
        self.signedOff = signedOff
    }
}

/// Why "go" is refused: mandatory criteria not signed off, an earlier stage without "go", or (at the
/// hypercare gate, which declares steady state) hypercare metrics that have not held their target.
public struct GateRefusal: Error, Equatable, Sendable {
    public var unmetCriteria: [CriterionState]
    public var openEarlierStages: [String]
    public var unstableMetrics: [String]

    public init(unmetCriteria: [CriterionState], openEarlierStages: [String], unstableMetrics: [String] = []) {
        self.unmetCriteria = unmetCriteria
        self.openEarlierStages = openEarlierStages
        self.unstableMetrics = unstableMetrics
    }
}

/// The gate rule (docs/DOMAIN.md §6 **rule**): "go" is refused while any mandatory criterion of the gate is
/// not signed off, and gates pass in stage order; steady state (the hypercare gate's "go") also needs
/// every hypercare metric to have held its target. "No-go" is always recorded.
public enum ReadinessGate {
    public static func check(_ decision: GateDecision, criteria: [CriterionState], earlierStagesWithoutGo: [String],
                             unstableMetrics: [String] = []) throws(GateRefusal) {
        guard decision == .go else { return }
        let unmet = criteria.filter { $0.mandatory && !$0.signedOff }
        guard unmet.isEmpty && earlierStagesWithoutGo.isEmpty && unstableMetrics.isEmpty else {
            throw GateRefusal(unmetCriteria: unmet, openEarlierStages: earlierStagesWithoutGo, unstableMetrics: unstableMetrics)
        }
    }

    /// Signed-off criteria as a percentage of all criteria, two decimals; nil without criteria.
    public static func readinessPercent(_ criteria: [CriterionState]) -> Double? {
        var tally = ComplianceTally()
        for criterion in criteria { tally.add(met: criterion.signedOff) }
        return tally.sharePercent
    }
}
