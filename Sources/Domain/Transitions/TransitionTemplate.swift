/// What a transition moves (docs/DOMAIN.md §6).
public enum TransitionType: String, CaseIterable, Sendable {
    case insourcing
    case outsourcing
    case vendorToVendor = "vendor_to_vendor"
    case siteToSite = "site_to_site"
}

/// The standard stages of a service transition, in order.
public enum TransitionStageKey: String, CaseIterable, Sendable {
    case dueDiligence = "due_diligence"
    case knowledgeTransfer = "knowledge_transfer"
    case shadow
    case reverseShadow = "reverse_shadow"
    case cutover
    case hypercare
    case steadyState = "steady_state"
}

/// A readiness criterion as the template words it.
public struct CriterionDraft: Equatable, Sendable {
    public var title: String
    public var mandatory: Bool
}

/// A stage as the template plans it, with the readiness criteria of its exit gate.
public struct StageDraft: Equatable, Sendable {
    public var key: TransitionStageKey
    public var name: String
    public var plannedStart: CalendarDate
    public var plannedEnd: CalendarDate
    public var criteria: [CriterionDraft]
}

/// The platform's service-transition template (the stages of the "Service transition" methodology
/// template): seven stages dated around the planned go-live, each with the readiness criteria of its
/// exit gate. Every transition starts from it; its stages and criteria are then its own to edit.
public enum TransitionTemplate {
    /// (key, name, first day, last day relative to go-live, exit criteria (title, mandatory)).
    static let stages: [(TransitionStageKey, String, Int, Int, [(String, Bool)])] = [
        (.dueDiligence, "Due diligence", -150, -121, [
            ("Service inventory, contracts and assets confirmed", true),
            ("SLA and KPI baseline agreed with the client", true),
            ("Transition plan approved by the transition board", true),
            ("Staff transfer consultation completed where applicable", false),
        ]),
        (.knowledgeTransfer, "Knowledge transfer", -120, -61, [
            ("Every process area covered by knowledge-transfer sessions", true),
            ("Runbooks and known-error database handed over", true),
            ("Access, tooling and environments provisioned for the new provider", true),
        ]),
        (.shadow, "Shadow", -60, -31, [
            ("New provider has shadowed every process area", true),
            ("Quality checks of shadowed work passed", false),
        ]),
        (.reverseShadow, "Reverse shadow", -30, -8, [
            ("New provider has led every process area under supervision", true),
            ("Incumbent confirms the new provider's proficiency", true),
        ]),
        (.cutover, "Cutover", -7, 0, [
            ("Cutover rehearsal passed", true),
            ("Rollback plan approved", true),
            ("Go-live communication sent to users", false),
        ]),
        (.hypercare, "Hypercare", 1, 60, [
            ("Open incidents from cutover closed or accepted", true),
            ("Hypercare exit report accepted by the client", true),
        ]),
        (.steadyState, "Steady state", 61, 61, [
            ("Transition closure report accepted", true),
            ("Lessons learned recorded", false),
        ]),
    ]

    /// The stages of a transition going live on `goLive`.
    public static func stages(goLive: CalendarDate) -> [StageDraft] {
        stages.map { key, name, first, last, criteria in
            StageDraft(key: key, name: name, plannedStart: goLive.adding(days: first), plannedEnd: goLive.adding(days: last),
                       criteria: criteria.map { CriterionDraft(title: $0.0, mandatory: $0.1) })
        }
    }
}

extension TransitionTemplate {
    /// Whether every stage of a transition going live on `goLive` falls within the years 0001–9999.
    public static func fits(goLive: CalendarDate) -> Bool {
        let first = stages.map(\.2).min() ?? 0, last = stages.map(\.3).max() ?? 0
        return goLive.daysSinceEpoch + first >= CalendarDate.beginning.daysSinceEpoch
            && goLive.daysSinceEpoch + last <= CalendarDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch
    }
}
