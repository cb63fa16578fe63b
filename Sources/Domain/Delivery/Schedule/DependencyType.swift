public import struct Foundation.UUID

/// How a successor's dates are tied to its predecessor's (PMBOK precedence diagramming method).
/// The raw values are the abbreviations the API and the database use.
public enum DependencyType: String, CaseIterable, Sendable {
    /// The successor starts after the predecessor finishes (the usual case).
    case finishToStart = "FS"
    /// The successor starts no earlier than the predecessor starts.
    case startToStart = "SS"
    /// The successor finishes no earlier than the predecessor finishes.
    case finishToFinish = "FF"
    /// The successor finishes no earlier than the predecessor starts (rare: just-in-time hand-overs).
    case startToFinish = "SF"

    /// Whether the lag is measured from the predecessor's finish (FS, FF) rather than its start.
    var measuresFromPredecessorFinish: Bool {
        self == .finishToStart || self == .finishToFinish
    }

    /// Whether the dependency holds back the successor's start (FS, SS) rather than its finish.
    var constrainsSuccessorStart: Bool {
        self == .finishToStart || self == .startToStart
    }
}

/// "`successor` depends on `predecessor`", with a lag in working days. A negative lag is a lead: FS
/// with lag −2 lets the successor start two working days before the predecessor finishes.
public struct ScheduleDependency: Sendable, Equatable {
    public var predecessor: UUID
    public var successor: UUID
    public var type: DependencyType
    public var lagDays: Int

    public init(predecessor: UUID, successor: UUID, type: DependencyType = .finishToStart, lagDays: Int = 0) {
        self.predecessor = predecessor
        self.successor = successor
        self.type = type
        self.lagDays = lagDays
    }
}
