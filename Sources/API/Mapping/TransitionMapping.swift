import APIDefinition
import Domain
import Foundation
import Persistence

/// Transitions, stages and readiness criteria as the contract's schemas.
enum TransitionMapping {
    static func resource(_ record: TransitionRecord, stages: [StageRecord]) -> Components.Schemas.Transition {
        .init(id: record.id.wire, name: record.name, _type: .init(record.type), scope: record.scope,
              fromParty: record.fromParty, toParty: record.toParty, plannedGoLive: record.plannedGoLive.description,
              contractId: record.contractID.map(\.wire),
              currentStage: (stages.first { $0.gateDecision != .go }?.key ?? .steadyState).rawValue,
              createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    /// The stage with the counts of its criteria among `criteria` (the transition's).
    static func resource(_ stage: StageRecord, criteria: [CriterionRecord]) -> Components.Schemas.TransitionStage {
        let own = criteria.filter { $0.stageID == stage.id }.map(\.state)
        return .init(id: stage.id.wire, transitionId: stage.transitionID.wire, key: .init(stage.key),
                     name: stage.name, position: stage.position, plannedStart: stage.plannedStart.description,
                     plannedEnd: stage.plannedEnd.description, criteria: own.count, mandatory: own.filter(\.mandatory).count,
                     signedOff: own.filter(\.signedOff).count, readinessPercent: ReadinessGate.readinessPercent(own),
                     gateDecision: stage.gateDecision?.rawValue, gateDecidedAt: stage.gateDecidedAt,
                     gateDecidedBy: stage.gateDecidedBy.map(\.wire), gateNotes: stage.gateNotes, createdAt: stage.createdAt,
                     updatedAt: stage.updatedAt, version: stage.version)
    }

    static func resource(_ record: CriterionRecord) -> Components.Schemas.ReadinessCriterion {
        .init(id: record.id.wire, transitionId: record.transitionID.wire, stageId: record.stageID.wire, title: record.title,
              mandatory: record.mandatory, evidenceUrl: record.evidenceURL, signedOffBy: record.signedOffBy.map(\.wire),
              signedOffAt: record.signedOffAt, createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func readiness(_ transition: UUID, stages: [StageRecord], criteria: [CriterionRecord]) -> Components.Schemas.TransitionReadiness {
        let all = criteria.map(\.state)
        return .init(
            transitionId: transition.wire, criteria: all.count, signedOff: all.filter(\.signedOff).count,
            overallPercent: ReadinessGate.readinessPercent(all),
            stages: stages.map { stage in
                let own = criteria.filter { $0.stageID == stage.id }.map(\.state)
                return .init(stageId: stage.id.wire, key: stage.key.rawValue, criteria: own.count,
                             signedOff: own.filter(\.signedOff).count, readinessPercent: ReadinessGate.readinessPercent(own),
                             gateDecision: stage.gateDecision?.rawValue,
                             unmetMandatory: own.filter { $0.mandatory && !$0.signedOff }.map { .init(id: $0.id.wire, title: $0.title) })
            })
    }

    /// 409 `gate-not-ready`, naming what blocks "go".
    static func problem(_ refusal: GateRefusal, stage: StageRecord) -> APIProblem {
        var reasons: [String] = []
        if !refusal.unmetCriteria.isEmpty {
            reasons.append("\(refusal.unmetCriteria.count) mandatory criteria not signed off ("
                           + refusal.unmetCriteria.map(\.title).joined(separator: "; ") + ")")
        }
        if !refusal.openEarlierStages.isEmpty {
            reasons.append("earlier stages without go: " + refusal.openEarlierStages.joined(separator: ", "))
        }
        if !refusal.unstableMetrics.isEmpty {
            reasons.append("hypercare metrics not yet stable: " + refusal.unstableMetrics.joined(separator: ", "))
        }
        var problem = APIProblem(status: 409, type: "gate-not-ready", title: "Gate not ready",
                                 detail: "The \(stage.name) gate cannot be passed: " + reasons.joined(separator: "; ") + ".")
        problem.unmetCriteria = refusal.unmetCriteria.map { ($0.id.wire, $0.title) }
        problem.openStages = refusal.openEarlierStages
        problem.unstableMetrics = refusal.unstableMetrics.isEmpty ? nil : refusal.unstableMetrics
        return problem
    }
}

extension TransitionMapping {
    static func resource(_ record: KTSessionRecord) -> Components.Schemas.KTSession {
        .init(id: record.id.wire, transitionId: record.transitionID.wire, topic: record.topic,
              processArea: record.processArea, expert: record.expert, attendees: record.attendees, date: record.date.description,
              status: .init(record.status), proficiency: record.proficiency, createdAt: record.createdAt,
              updatedAt: record.updatedAt, version: record.version)
    }

    /// Throws `CorruptRow` for a monthly metric: the contract has no such hypercare period, and the
    /// table's check makes one unreachable.
    static func resource(_ record: HypercareMetricRecord, consecutiveMet: Int) throws(CorruptRow) -> Components.Schemas.HypercareMetric {
        guard let period = Components.Schemas.HypercareMetric.PeriodPayload(record.period) else {
            throw HypercareStore.corrupt(record.id)
        }
        return .init(id: record.id.wire, transitionId: record.transitionID.wire, name: record.name,
                     comparator: .init(record.comparator), target: record.target,
                     period: period, requiredPeriods: record.requiredPeriods,
                     consecutiveMet: consecutiveMet, stable: consecutiveMet >= record.requiredPeriods, createdAt: record.createdAt,
                     updatedAt: record.updatedAt, version: record.version)
    }

    static func resource(_ record: HypercareValueRecord) -> Components.Schemas.HypercareValue {
        .init(metricId: record.metricID.wire, period: record.period.description,
              periodStart: record.period.start.description, value: record.value, met: record.met, createdAt: record.createdAt,
              updatedAt: record.updatedAt, version: record.version)
    }
}
