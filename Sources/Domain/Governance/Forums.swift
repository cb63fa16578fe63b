/// A governance forum's kind (docs/DOMAIN.md §5).
public enum ForumKind: String, CaseIterable, Sendable {
    case steeringCommittee = "steering_committee"
    case operationalReview = "operational_review"
    case other
}

/// How often a forum meets.
public enum Cadence: String, CaseIterable, Sendable {
    case weekly
    case fortnightly
    case monthly
    case quarterly
    case adHoc = "ad_hoc"
}

/// An action from a meeting or decision: open → in progress → done, or cancelled; a closed action
/// can be reopened.
public enum ActionStatus: String, CaseIterable, Sendable {
    case open
    case inProgress = "in_progress"
    case done
    case cancelled

    public var isClosed: Bool { self == .done || self == .cancelled }

    /// Overdue: still open or in progress after its due date.
    public func isOverdue(due: CalendarDate, today: CalendarDate) -> Bool { !isClosed && due < today }
}
