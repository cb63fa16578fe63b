/// A member's role: a named set of scopes (docs/DOMAIN.md §2). The README's role matrix is this table;
/// a test compares the two, and another checks every operation of the contract against it.
public enum Role: String, CaseIterable, Sendable {
    case owner
    case pmoAdmin = "pmo_admin"
    case projectManager = "project_manager"
    case contributor
    case viewer
    case auditor

    public var scopes: Set<Scope> {
        let everyMember: Set<Scope> = [.projectsRead, .profileRead, .profileWrite, .governanceRead, .transitionsRead]
        switch self {
        case .owner: return Set(Scope.allCases.filter { !$0.isPlatform })
        case .pmoAdmin:
            return everyMember.union([.projectsWrite, .usageRead, .membersRead, .membersWrite, .apiClientsRead,
                                      .apiClientsWrite, .governanceWrite, .transitionsWrite, .billingRead])
        case .projectManager: return everyMember.union([.projectsWrite, .membersRead, .transitionsWrite])
        case .contributor: return everyMember.union([.projectsWrite])
        case .viewer: return everyMember
        case .auditor: return everyMember.union([.usageRead, .membersRead, .auditRead, .apiClientsRead, .ssoRead, .billingRead])
        }
    }

    /// A caller may give a role (invite, change, demote from) only when it holds every scope of that
    /// role: nobody hands out more than they have.
    public func isGrantable(by callerScopes: Set<Scope>) -> Bool {
        scopes.isSubset(of: callerScopes)
    }
}

/// A member's lifecycle: invited (until the invitation is accepted) → active ⇄ deactivated;
/// an invitation can be withdrawn (invited → deactivated).
public enum MemberStatus: String, CaseIterable, Sendable {
    case invited
    case active
    case deactivated
}

extension MemberStatus {
    /// Where a member may go from here; reactivation needs a member who had accepted their invitation.
    public func allowedNext(hasBeenActive: Bool) -> [MemberStatus] {
        switch self {
        case .invited, .active: [.deactivated]
        case .deactivated: hasBeenActive ? [.active] : []
        }
    }
}

/// A change to a member that the rules refuse.
public enum MemberRuleViolation: Error, Equatable, Sendable {
    /// The caller does not hold every scope of this role (to give it, or to take it away).
    case roleNotGrantable(Role)
    case illegalStatusChange(from: MemberStatus, to: MemberStatus, allowed: [MemberStatus])
    /// The change would leave the tenant without an active owner.
    case lastOwner
}

/// The rules for changing a member's role or status (docs/DOMAIN.md §2).
public struct MemberChange: Sendable, Equatable {
    public var role: Role
    public var status: MemberStatus

    public init(role: Role, status: MemberStatus) {
        self.role = role
        self.status = status
    }

    /// Checks a move from `self` to `next` by a caller holding `callerScopes`, when the tenant has
    /// `activeOwners` active owners (counted under lock). Nothing changes: no check.
    public func check(to next: MemberChange, hasBeenActive: Bool, callerScopes: Set<Scope>,
                      activeOwners: Int) throws(MemberRuleViolation) {
        if next.status != status {
            let allowed = status.allowedNext(hasBeenActive: hasBeenActive)
            guard allowed.contains(next.status) else {
                throw .illegalStatusChange(from: status, to: next.status, allowed: allowed)
            }
        }
        guard next != self else { return }
        // Whoever changes a member must be able to give the member's current role (so a pmo_admin cannot
        // deactivate or demote an owner) and the new one.
        for role in [role, next.role] where !role.isGrantable(by: callerScopes) {
            throw .roleNotGrantable(role)
        }
        let wasActiveOwner = role == .owner && status == .active
        let staysActiveOwner = next.role == .owner && next.status == .active
        if wasActiveOwner && !staysActiveOwner && activeOwners <= 1 { throw .lastOwner }
    }
}

/// An API client is active, or disabled: then every one of its keys is refused (401) until it is
/// enabled again.
public enum ClientStatus: String, CaseIterable, Sendable {
    case active
    case disabled
}

/// A platform operator's role (docs/DOMAIN.md §1): an account manager sees the tenants assigned to them,
/// a platform admin every tenant.
public enum OperatorRole: String, CaseIterable, Sendable {
    case accountManager = "account_manager"
    case platformAdmin = "platform_admin"

    public var scopes: Set<Scope> {
        switch self {
        case .accountManager: [.platformRead, .platformWrite]
        case .platformAdmin: [.platformRead, .platformWrite, .platformAdmin]
        }
    }
}
