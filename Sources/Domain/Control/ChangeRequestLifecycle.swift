/// A change request's state (docs/DOMAIN.md §4).
public enum ChangeRequestStatus: String, CaseIterable, Sendable {
    case draft, submitted
    case underReview = "under_review"
    case approved, rejected, implemented
}

/// What can be done to a change request; each is an explicit call of its own.
public enum ChangeRequestAction: String, CaseIterable, Sendable {
    case submit, review, approve, reject, implement

    /// The state the action leads to.
    public var target: ChangeRequestStatus {
        switch self {
        case .submit: .submitted
        case .review: .underReview
        case .approve: .approved
        case .reject: .rejected
        case .implement: .implemented
        }
    }

    /// Whether only approvers may take it (owners, PMO admins, or the project's sponsor).
    public var needsApprover: Bool { self == .approve || self == .reject }
}

/// `draft → submitted → under_review → approved | rejected`, `approved → implemented`.
public enum ChangeRequestLifecycle {
    public static func allowedActions(from status: ChangeRequestStatus) -> [ChangeRequestAction] {
        switch status {
        case .draft: [.submit]
        case .submitted: [.review]
        case .underReview: [.approve, .reject]
        case .approved: [.implement]
        case .rejected, .implemented: []
        }
    }

    /// The state `action` leads to from `status`; `IllegalChangeRequestMove` names the actions allowed instead.
    public static func apply(_ action: ChangeRequestAction, to status: ChangeRequestStatus) throws(IllegalChangeRequestMove)
        -> ChangeRequestStatus {
        let allowed = allowedActions(from: status)
        guard allowed.contains(action) else { throw IllegalChangeRequestMove(from: status, action: action, allowed: allowed) }
        return action.target
    }

    /// Who may approve or reject: a member whose role is owner or PMO admin, or the project's sponsor.
    public static func mayDecide(role: Role, memberID: String?, projectSponsor: String?) -> Bool {
        role == .owner || role == .pmoAdmin || (memberID != nil && memberID == projectSponsor)
    }
}

/// An action the change request's state does not allow.
public struct IllegalChangeRequestMove: Error, Equatable, Sendable {
    public let from: ChangeRequestStatus
    public let action: ChangeRequestAction
    public let allowed: [ChangeRequestAction]

    public init(from: ChangeRequestStatus, action: ChangeRequestAction, allowed: [ChangeRequestAction]) {
        self.from = from
        self.action = action
        self.allowed = allowed
    }
}
