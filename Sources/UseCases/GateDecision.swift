public import Domain
public import Foundation
public import Persistence

/// A transition stage's gate whose decision is "go": its criteria and decision are settled (409).
public struct GatePassed: Error, Sendable {
    public let stage: StageRecord
    public init(stage: StageRecord) { self.stage = stage }

    /// Refuses a change to a stage whose gate has passed.
    public static func requireOpen(_ stage: StageRecord) throws(GatePassed) {
        guard stage.gateDecision != .go else { throw GatePassed(stage: stage) }
    }
}

/// A gate that cannot pass yet (409), with the stage it belongs to.
public struct GateNotReady: Error, Sendable {
    public let refusal: GateRefusal
    public let stage: StageRecord
}

/// The transition or the stage does not exist in the tenant (404).
public struct UnknownStage: Error, Sendable {
    public init() {}
}

/// Deciding a stage's gate (docs/DOMAIN.md §6), all in the caller's transaction: the transition and
/// the stage are locked first (concurrent decisions and criterion changes take turns), a passed gate
/// is settled, a "go" needs every mandatory criterion signed off, every earlier stage passed and, at
/// the hypercare gate, every metric stable.
public struct GateDeciding: Sendable {
    let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// The stage as decided and the transition's criteria. `decidedBy` names the deciding member; it
    /// is asked only once the gate is known to be open.
    public func decide(_ decision: GateDecision, stage stageID: UUID, of transitionID: UUID, notes: String?,
                       decidedBy: () async throws -> UUID, at now: Date) async throws -> (StageRecord, [CriterionRecord]) {
        let stages = StageStore(scope, transition: transitionID)
        guard try await TransitionStore(scope).find(transitionID, lock: true) != nil,
              let current = try await stages.find(stageID, lock: true) else { throw UnknownStage() }
        try GatePassed.requireOpen(current)
        let member = try await decidedBy()
        let criteria = try await CriterionStore(scope).all(of: transitionID)
        let earlier = try await stages.all(of: transitionID).filter { $0.position < current.position && $0.gateDecision != .go }
        // The hypercare gate declares steady state: every metric must have held its target.
        var unstable: [String] = []
        if current.key == .hypercare && decision == .go {
            let hypercare = HypercareStore(scope)
            let metrics = try await hypercare.all(of: transitionID)
            let runs = try await hypercare.consecutiveMet(metrics, today: CalendarDate(utcDate: now))
            unstable = metrics.filter { (runs[$0.id] ?? 0) < $0.requiredPeriods }.map(\.name)
        }
        do throws(GateRefusal) {
            try ReadinessGate.check(decision, criteria: criteria.filter { $0.stageID == stageID }.map(\.state),
                                    earlierStagesWithoutGo: earlier.map(\.key.rawValue), unstableMetrics: unstable)
        } catch {
            throw GateNotReady(refusal: error, stage: current)
        }
        var next = current
        next.gateDecision = decision
        next.gateDecidedAt = now
        next.gateDecidedBy = member
        next.gateNotes = notes
        return (try await stages.update(next, at: now), criteria)
    }
}
