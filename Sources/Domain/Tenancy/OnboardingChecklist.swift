public import Foundation

/// One step of a tenant's onboarding checklist (docs/DOMAIN.md §1), in the order they are shown.
public enum OnboardingStep: String, CaseIterable, Sendable {
    case contractSigned = "contract_signed"
    case planChosen = "plan_chosen"
    case ownerInvited = "owner_invited"
    case ownerAccepted = "owner_accepted"
    case ssoConfigured = "sso_configured"
    case dataImported = "data_imported"
    case kickoffHeld = "kickoff_held"

    /// Whether the tenant may become active without it (done, or skipped where skipping is allowed).
    public var isMandatory: Bool { self != .kickoffHeld }

    /// Whether an operator may record it as skipped (a tenant without SSO or without data to import).
    public var isSkippable: Bool { self == .ssoConfigured || self == .dataImported }

    /// Whether the system sees it happen and ticks it itself; an operator cannot tick it by hand
    /// (it would claim something the data does not show).
    public var isObserved: Bool { [.planChosen, .ownerInvited, .ownerAccepted, .ssoConfigured].contains(self) }

    public var title: String {
        switch self {
        case .contractSigned: "Contract signed"
        case .planChosen: "Plan chosen"
        case .ownerInvited: "First owner invited"
        case .ownerAccepted: "First owner accepted the invitation"
        case .ssoConfigured: "Single sign-on configured"
        case .dataImported: "Data imported"
        case .kickoffHeld: "Kick-off held"
        }
    }
}

/// What an operator recorded for a step.
public enum OnboardingMark: String, Sendable, CaseIterable {
    case done, skipped
}

/// A recorded mark: what, by whom, when.
public struct OnboardingRecord: Sendable, Equatable {
    public let mark: OnboardingMark
    public let by: String
    public let at: Date
    public init(mark: OnboardingMark, by: String, at: Date) {
        self.mark = mark
        self.by = by
        self.at = at
    }
}

/// A step as the checklist shows it.
public struct OnboardingStepState: Sendable, Equatable {
    public enum State: String, Sendable { case pending, done, skipped }
    public let step: OnboardingStep
    public let state: State
    /// Who ticked it (`system` when observed), and when; nil while pending.
    public let by: String?
    public let at: Date?

    public init(step: OnboardingStep, state: State, by: String?, at: Date?) {
        self.step = step
        self.state = state
        self.by = by
        self.at = at
    }
}

/// Why a mark cannot be recorded.
public enum OnboardingMarkRefusal: Error, Equatable, Sendable {
    /// The system ticks this step when it sees it happen.
    case observedStep(OnboardingStep)
    /// Only optional-in-substance steps (SSO, data import) may be skipped.
    case notSkippable(OnboardingStep)
}

/// A tenant's checklist: the operators' marks merged with what the system observed.
public struct OnboardingChecklist: Sendable, Equatable {
    public let steps: [OnboardingStepState]

    /// `observed`: when the system saw each observed step happen. An observed fact wins over a
    /// recorded skip (SSO configured after all); a manual step only counts as its mark says.
    public init(recorded: [OnboardingStep: OnboardingRecord], observed: [OnboardingStep: Date]) {
        steps = OnboardingStep.allCases.map { step in
            if step.isObserved, let at = observed[step] {
                return OnboardingStepState(step: step, state: .done, by: "system", at: at)
            }
            if let record = recorded[step] {
                return OnboardingStepState(step: step, state: record.mark == .done ? .done : .skipped,
                                           by: record.by, at: record.at)
            }
            return OnboardingStepState(step: step, state: .pending, by: nil, at: nil)
        }
    }

    /// The mandatory steps neither done nor skipped: what keeps the tenant from becoming active.
    public var missingMandatory: [OnboardingStep] {
        steps.filter { $0.step.isMandatory && $0.state == .pending }.map(\.step)
    }

    public var isComplete: Bool { missingMandatory.isEmpty }

    /// Checks that an operator may record `mark` on `step` (nil clears the mark).
    public static func check(_ mark: OnboardingMark?, on step: OnboardingStep) throws(OnboardingMarkRefusal) {
        switch mark {
        case .done?:
            guard !step.isObserved else { throw .observedStep(step) }
        case .skipped?:
            guard step.isSkippable else { throw .notSkippable(step) }
        case nil:
            break
        }
    }
}
