import APIDefinition
import Domain
import Foundation
import Persistence

/// Governance records as the contract's schemas.
enum GovernanceMapping {
    static func resource(_ record: ContractRecord) -> Components.Schemas.Contract {
        .init(id: record.id.wire, code: record.code, name: record.name, clientParty: record.clientParty,
              service: record.service, startDate: record.start.description, endDate: record.end?.description,
              monthlyFee: record.monthlyFee, currency: record.currency,
              serviceCreditCapPercent: BasisPoints.percent(record.creditCapBasisPoints), createdAt: record.createdAt,
              updatedAt: record.updatedAt, version: record.version)
    }

    static func resource(_ record: ObligationRecord) -> Components.Schemas.Obligation {
        let current = record.terms.current
        return .init(
            id: record.id.wire, contractId: record.contractID.wire, name: record.name,
            kind: .init(record.kind), metric: record.metric, unit: record.unit,
            period: .init(record.period), comparator: current?.comparator?.rawValue,
            threshold: current?.threshold, creditPercent: BasisPoints.percent(current?.creditBasisPoints ?? 0),
            earnBackPeriods: current?.earnBackPeriods,
            terms: record.terms.versions.map { terms($0, kind: record.period) },
            dueDate: record.dueDate?.description, deliveredOn: record.deliveredOn?.description,
            createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func terms(_ terms: ObligationTerms, kind: PeriodKind) -> Components.Schemas.ObligationTerms {
        .init(effectiveFrom: terms.effectiveFrom == .beginning
                ? nil : MeasurementPeriod.containing(terms.effectiveFrom, kind: kind).description,
              comparator: terms.comparator?.rawValue, threshold: terms.threshold,
              creditPercent: BasisPoints.percent(terms.creditBasisPoints), earnBackPeriods: terms.earnBackPeriods)
    }

    static func resource(_ record: MeasurementRecord) -> Components.Schemas.Measurement {
        .init(id: record.id.wire, obligationId: record.obligationID.wire, period: record.period.description,
              periodStart: record.period.start.description, periodEnd: record.period.end.description, value: record.value,
              met: record.met, breachId: record.breachID.map(\.wire), createdAt: record.createdAt, updatedAt: record.updatedAt,
              version: record.version)
    }

    static func resource(_ record: BreachRecord) -> Components.Schemas.Breach {
        .init(id: record.id.wire, contractId: record.contractID.wire, obligationId: record.obligationID.wire,
              obligationName: record.obligationName, period: record.period.description,
              periodStart: record.period.start.description, periodEnd: record.period.end.description,
              month: record.period.creditMonth.description, value: record.value, comparator: record.comparator?.rawValue,
              threshold: record.threshold, creditPercent: BasisPoints.percent(record.creditBasisPoints),
              earnBackPeriods: record.earnBackPeriods, status: .init(record.status),
              decisionReference: record.decisionReference, reason: record.reason, creditReference: record.creditReference,
              createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }
}
