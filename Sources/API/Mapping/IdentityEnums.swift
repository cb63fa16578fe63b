import APIDefinition
import Domain

// Between the domain's identity enums (roles, member and client status) and the contract's. Each
// conversion switches over every case without `default`, so a case added to either side fails the
// build here instead of a request at run time.

// MARK: Roles

extension Components.Schemas.Role {
    init(_ role: Domain.Role) {
        switch role {
        case .owner: self = .owner
        case .pmoAdmin: self = .pmoAdmin
        case .projectManager: self = .projectManager
        case .contributor: self = .contributor
        case .viewer: self = .viewer
        case .auditor: self = .auditor
        }
    }
}

extension Role {
    init(_ wire: Components.Schemas.Role) {
        switch wire {
        case .owner: self = .owner
        case .pmoAdmin: self = .pmoAdmin
        case .projectManager: self = .projectManager
        case .contributor: self = .contributor
        case .viewer: self = .viewer
        case .auditor: self = .auditor
        }
    }
}

// MARK: Members

extension Components.Schemas.MemberStatus {
    init(_ status: Domain.MemberStatus) {
        switch status {
        case .invited: self = .invited
        case .active: self = .active
        case .deactivated: self = .deactivated
        }
    }
}

extension MemberStatus {
    init(_ wire: Components.Schemas.MemberStatus) {
        switch wire {
        case .invited: self = .invited
        case .active: self = .active
        case .deactivated: self = .deactivated
        }
    }
}

// MARK: API clients

extension Components.Schemas.ClientStatus {
    init(_ status: Domain.ClientStatus) {
        switch status {
        case .active: self = .active
        case .disabled: self = .disabled
        }
    }
}

extension ClientStatus {
    init(_ wire: Components.Schemas.ClientStatus) {
        switch wire {
        case .active: self = .active
        case .disabled: self = .disabled
        }
    }
}

// MARK: Usage

extension Components.Schemas.UsageLine.StatusClassPayload {
    /// The metered class of a usage line (`UsageHandlers` renders it).
    init(_ statusClass: StatusClass) {
        switch statusClass {
        case .success: self = ._2xx
        case .redirection: self = ._3xx
        case .clientError: self = ._4xx
        case .serverError: self = ._5xx
        }
    }
}
