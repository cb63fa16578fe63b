import APIDefinition
import Domain

// Between the domain's transition enums (transitions, stages, gates, KT sessions, hypercare
// metrics) and the contract's. Each conversion switches over every case without `default`, so a
// case added to either side fails the build here instead of a request at run time.

// MARK: Transitions and stages

extension Components.Schemas.Transition._TypePayload {
    init(_ type: TransitionType) {
        switch type {
        case .insourcing: self = .insourcing
        case .outsourcing: self = .outsourcing
        case .vendorToVendor: self = .vendorToVendor
        case .siteToSite: self = .siteToSite
        }
    }
}

extension TransitionType {
    init(_ wire: Components.Schemas.TransitionCreate._TypePayload) {
        switch wire {
        case .insourcing: self = .insourcing
        case .outsourcing: self = .outsourcing
        case .vendorToVendor: self = .vendorToVendor
        case .siteToSite: self = .siteToSite
        }
    }

    init(_ wire: Components.Schemas.TransitionPatch._TypePayload) {
        switch wire {
        case .insourcing: self = .insourcing
        case .outsourcing: self = .outsourcing
        case .vendorToVendor: self = .vendorToVendor
        case .siteToSite: self = .siteToSite
        }
    }
}

extension Components.Schemas.TransitionStage.KeyPayload {
    init(_ key: TransitionStageKey) {
        switch key {
        case .dueDiligence: self = .dueDiligence
        case .knowledgeTransfer: self = .knowledgeTransfer
        case .shadow: self = .shadow
        case .reverseShadow: self = .reverseShadow
        case .cutover: self = .cutover
        case .hypercare: self = .hypercare
        case .steadyState: self = .steadyState
        }
    }
}

extension GateDecision {
    init(_ wire: Components.Schemas.GateDecisionRequest.DecisionPayload) {
        switch wire {
        case .go: self = .go
        case .noGo: self = .noGo
        }
    }
}

// MARK: KT sessions

extension Components.Schemas.KTSession.StatusPayload {
    init(_ status: KTSessionStatus) {
        switch status {
        case .planned: self = .planned
        case .held: self = .held
        case .cancelled: self = .cancelled
        }
    }
}

extension KTSessionStatus {
    init(_ wire: Components.Schemas.KTSessionCreate.StatusPayload) {
        switch wire {
        case .planned: self = .planned
        case .held: self = .held
        case .cancelled: self = .cancelled
        }
    }

    init(_ wire: Components.Schemas.KTSessionPatch.StatusPayload) {
        switch wire {
        case .planned: self = .planned
        case .held: self = .held
        case .cancelled: self = .cancelled
        }
    }
}

// MARK: Hypercare metrics

extension Components.Schemas.HypercareMetric.ComparatorPayload {
    /// The generated names spell the symbols: `_gt__equals_` is `>=`, `_lt__equals_` is `<=`.
    init(_ comparator: ThresholdComparator) {
        switch comparator {
        case .atLeast: self = ._gt__equals_
        case .atMost: self = ._lt__equals_
        }
    }
}

extension ThresholdComparator {
    init(_ wire: Components.Schemas.HypercareMetricCreate.ComparatorPayload) {
        switch wire {
        case ._gt__equals_: self = .atLeast
        case ._lt__equals_: self = .atMost
        }
    }

    init(_ wire: Components.Schemas.HypercareMetricPatch.ComparatorPayload) {
        switch wire {
        case ._gt__equals_: self = .atLeast
        case ._lt__equals_: self = .atMost
        }
    }
}

extension Components.Schemas.HypercareMetric.PeriodPayload {
    /// Partial: a hypercare metric is measured daily or weekly, never monthly (the contract's enum and
    /// the table's check both say so), so a monthly period has no wire form and gives nil.
    init?(_ period: PeriodKind) {
        switch period {
        case .daily: self = .daily
        case .weekly: self = .weekly
        case .monthly: return nil
        }
    }
}

extension PeriodKind {
    init(_ wire: Components.Schemas.HypercareMetricCreate.PeriodPayload) {
        switch wire {
        case .daily: self = .daily
        case .weekly: self = .weekly
        }
    }
}
