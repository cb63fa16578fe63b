/// How a project is delivered.
public enum Methodology: String, CaseIterable, Sendable {
    case predictive, agile, hybrid
}

/// PMI process groups.
public enum ProjectPhase: String, CaseIterable, Sendable {
    case initiating, planning, executing, monitoring, closing
}

/// A project's lifecycle. `completed` and `cancelled` are final: reopening a closed project would
/// rewrite the portfolio's history, so a new project is created instead.
public enum ProjectStatus: String, CaseIterable, Sendable {
    case proposed, active, onHold = "on_hold", completed, cancelled

    /// The statuses a project in this status may move to next.
    public var allowedNext: [ProjectStatus] {
        switch self {
        case .proposed: [.active, .cancelled]
        case .active: [.onHold, .completed, .cancelled]
        case .onHold: [.active, .cancelled]
        case .completed, .cancelled: []
        }
    }

    /// Not completed or cancelled: such a project counts as active towards the plan (docs/DOMAIN.md §7).
    public var isOpen: Bool { self != .completed && self != .cancelled }

    /// Whether moving from this status to `next` is allowed; staying in the same status always is.
    public func canMove(to next: ProjectStatus) -> Bool {
        next == self || allowedNext.contains(next)
    }
}

/// Refused status change, carrying what would have been allowed (the API returns it as 409).
public struct IllegalStatusChange: Error, Equatable, Sendable {
    public let from: ProjectStatus
    public let to: ProjectStatus

    public init(from: ProjectStatus, to: ProjectStatus) {
        self.from = from
        self.to = to
    }

    public var allowed: [ProjectStatus] { from.allowedNext }
}
