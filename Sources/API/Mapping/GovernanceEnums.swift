import APIDefinition
import Domain

// Between the domain's governance enums (contracts, obligations, measurements, breaches, forums,
// meetings, decisions, actions) and the contract's. Each conversion switches over every case
// without `default`, so a case added to either side fails the build here instead of a request at
// run time.

// MARK: Obligations and measurements

extension Components.Schemas.ObligationKind {
    init(_ kind: Domain.ObligationKind) {
        switch kind {
        case .serviceLevel: self = .serviceLevel
        case .kpi: self = .kpi
        case .deliverable: self = .deliverable
        case .reporting: self = .reporting
        case .compliance: self = .compliance
        }
    }
}

extension ObligationKind {
    init(_ wire: Components.Schemas.ObligationKind) {
        switch wire {
        case .serviceLevel: self = .serviceLevel
        case .kpi: self = .kpi
        case .deliverable: self = .deliverable
        case .reporting: self = .reporting
        case .compliance: self = .compliance
        }
    }
}

extension Components.Schemas.PeriodKind {
    init(_ period: Domain.PeriodKind) {
        switch period {
        case .daily: self = .daily
        case .weekly: self = .weekly
        case .monthly: self = .monthly
        }
    }
}

extension PeriodKind {
    init(_ wire: Components.Schemas.PeriodKind) {
        switch wire {
        case .daily: self = .daily
        case .weekly: self = .weekly
        case .monthly: self = .monthly
        }
    }
}

extension ThresholdComparator {
    /// The generated names spell the symbols: `_gt__equals_` is `>=`, `_lt__equals_` is `<=`.
    init(_ wire: Components.Schemas.ThresholdComparator) {
        switch wire {
        case ._gt__equals_: self = .atLeast
        case ._lt__equals_: self = .atMost
        }
    }
}

// MARK: Breaches and service credits

extension Components.Schemas.BreachStatus {
    init(_ status: Domain.BreachStatus) {
        switch status {
        case .open: self = .open
        case .waived: self = .waived
        case .credited: self = .credited
        }
    }
}

extension BreachStatus {
    init(_ wire: Components.Schemas.BreachStatus) {
        switch wire {
        case .open: self = .open
        case .waived: self = .waived
        case .credited: self = .credited
        }
    }
}

extension Components.Schemas.ServiceCredits.LinesPayloadPayload.EarnBackPayload {
    init(_ earnBack: EarnBack) {
        switch earnBack {
        case .notOffered: self = .notOffered
        case .pending: self = .pending
        case .earned: self = .earned
        case .forfeited: self = .forfeited
        }
    }
}

// MARK: Forums

extension Components.Schemas.GovernanceForum.KindPayload {
    init(_ kind: ForumKind) {
        switch kind {
        case .steeringCommittee: self = .steeringCommittee
        case .operationalReview: self = .operationalReview
        case .other: self = .other
        }
    }
}

extension ForumKind {
    init(_ wire: Components.Schemas.GovernanceForumCreate.KindPayload) {
        switch wire {
        case .steeringCommittee: self = .steeringCommittee
        case .operationalReview: self = .operationalReview
        case .other: self = .other
        }
    }

    init(_ wire: Components.Schemas.GovernanceForumPatch.KindPayload) {
        switch wire {
        case .steeringCommittee: self = .steeringCommittee
        case .operationalReview: self = .operationalReview
        case .other: self = .other
        }
    }
}

extension Components.Schemas.GovernanceForum.CadencePayload {
    init(_ cadence: Cadence) {
        switch cadence {
        case .weekly: self = .weekly
        case .fortnightly: self = .fortnightly
        case .monthly: self = .monthly
        case .quarterly: self = .quarterly
        case .adHoc: self = .adHoc
        }
    }
}

extension Cadence {
    init(_ wire: Components.Schemas.GovernanceForumCreate.CadencePayload) {
        switch wire {
        case .weekly: self = .weekly
        case .fortnightly: self = .fortnightly
        case .monthly: self = .monthly
        case .quarterly: self = .quarterly
        case .adHoc: self = .adHoc
        }
    }

    init(_ wire: Components.Schemas.GovernanceForumPatch.CadencePayload) {
        switch wire {
        case .weekly: self = .weekly
        case .fortnightly: self = .fortnightly
        case .monthly: self = .monthly
        case .quarterly: self = .quarterly
        case .adHoc: self = .adHoc
        }
    }
}

// MARK: Actions

extension Components.Schemas.ActionStatus {
    init(_ status: Domain.ActionStatus) {
        switch status {
        case .open: self = .open
        case .inProgress: self = .inProgress
        case .done: self = .done
        case .cancelled: self = .cancelled
        }
    }
}

extension ActionStatus {
    init(_ wire: Components.Schemas.ActionStatus) {
        switch wire {
        case .open: self = .open
        case .inProgress: self = .inProgress
        case .done: self = .done
        case .cancelled: self = .cancelled
        }
    }
}
