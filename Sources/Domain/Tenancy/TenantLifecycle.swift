/// The moves a tenant's status may make (docs/DOMAIN.md §1):
/// `provisioning → onboarding → active ⇄ suspended`, offboarding from any of them, and `deleted`
/// only once every row is erased (the admin CLI's erase, never a status change on its own).
public enum TenantLifecycle {
    /// Where a tenant in `status` may go next by a status change.
    public static func allowedMoves(from status: TenantStatus) -> [TenantStatus] {
        switch status {
        case .provisioning: [.onboarding, .offboarding]
        case .onboarding: [.active, .offboarding]
        case .active: [.suspended, .offboarding]
        case .suspended: [.active, .offboarding]
        case .offboarding, .deleted: []
        }
    }

    /// Whether moving there needs a stated reason: suspending, resuming and offboarding are what a
    /// tenant's people will ask about, so the log must say why.
    public static func needsReason(from status: TenantStatus, to target: TenantStatus) -> Bool {
        target == .suspended || target == .offboarding || (status == .suspended && target == .active)
    }

    /// Checks a move; `IllegalTenantMove` names the moves that are allowed instead.
    public static func check(from status: TenantStatus, to target: TenantStatus) throws(IllegalTenantMove) {
        let allowed = allowedMoves(from: status)
        guard allowed.contains(target) else { throw IllegalTenantMove(from: status, to: target, allowed: allowed) }
    }
}

/// A status change the lifecycle does not allow.
public struct IllegalTenantMove: Error, Equatable, Sendable {
    public let from: TenantStatus
    public let to: TenantStatus
    public let allowed: [TenantStatus]

    public init(from: TenantStatus, to: TenantStatus, allowed: [TenantStatus]) {
        self.from = from
        self.to = to
        self.allowed = allowed
    }
}
