/// What recording a value does to a period's breach (docs/DOMAIN.md §5 rule: compliance on write, one
/// breach per obligation and period, the same value again changes nothing, a correction re-evaluates).
public enum BreachChange: Equatable, Sendable {
    case none
    /// The period is newly breached.
    case open
    /// Still breached, with another value: the breach keeps its id and status, its value changes.
    case restate
    /// The corrected value meets the terms: the breach goes (and the audit log says so).
    case withdraw
}

/// A credited breach's credit has been given to the client; a value that would withdraw it is refused.
public struct CreditedBreachCorrection: Error, Equatable, Sendable {
    public init() {}
}

public struct MeasurementDecision: Equatable, Sendable {
    public var met: Bool
    /// False when the period already had exactly this value: nothing is written.
    public var changed: Bool
    public var breach: BreachChange

    public init(met: Bool, changed: Bool, breach: BreachChange) {
        self.met = met
        self.changed = changed
        self.breach = breach
    }
}

public enum MeasurementEvaluation {
    /// Decides a value for one period under `terms`, given what the period had before.
    public static func decide(value: Double, terms: ObligationTerms, previous: Double?,
                              breach: BreachStatus?) throws(CreditedBreachCorrection) -> MeasurementDecision {
        let met = terms.isMet(value)
        guard previous != value else { return MeasurementDecision(met: met, changed: false, breach: .none) }
        return MeasurementDecision(met: met, changed: true, breach: try change(breached: met ? false : true, existing: breach))
    }

    /// The breach change for a deliverable, judged for `today`.
    public static func decideDeliverable(due: CalendarDate, deliveredOn: CalendarDate?, today: CalendarDate,
                                         breach: BreachStatus?) throws(CreditedBreachCorrection) -> BreachChange {
        try change(breached: DeliverableCompliance.isBreached(due: due, deliveredOn: deliveredOn, today: today), existing: breach)
    }

    /// `breached`: true, false, or nil when not decided yet (then an existing breach goes too).
    static func change(breached: Bool?, existing: BreachStatus?) throws(CreditedBreachCorrection) -> BreachChange {
        switch (breached, existing) {
        case (true, nil): return .open
        case (true, _?): return .restate
        case (_, nil): return .none
        case (_, .credited?): throw CreditedBreachCorrection()
        case (_, _?): return .withdraw
        }
    }
}
