import APIDefinition
import Domain
import Foundation
import Persistence

/// A contract's service credits for a month and its compliance over months.
extension APIHandler {
    static let maxComplianceMonths = 24

    func getServiceCredits(_ input: Operations.GetServiceCredits.Input) async throws -> Operations.GetServiceCredits.Output {
        let contractID = try Self.contract.id(input.path.contractId)
        guard let month = YearMonth(input.query.month) else {
            throw ValidationFailure([FieldError(pointer: "/month", detail: "must be a month YYYY-MM")])
        }
        let (contract, breaches, outcomes) = try await session.run { context in
            guard let contract = try await ContractStore(context.scope).find(contractID) else {
                throw APIProblem.notFound("Contract \(input.path.contractId)")
            }
            try await refreshDeliverables(context)
            let breaches = try await BreachStore(context.scope).inMonths(contract: contractID, from: month, to: month)
            return (contract, breaches, try await earnBackOutcomes(of: breaches, context))
        }
        let creditable = breaches.map { breach in
            var following: [Bool?] = []
            var period = breach.period
            for _ in 0..<(breach.earnBackPeriods ?? 0) {
                period = period.next
                following.append(outcomes[PeriodKey(breach.obligationID, period.start)])
            }
            return CreditableBreach(breachID: breach.id, obligationID: breach.obligationID, period: breach.period,
                                    creditBasisPoints: breach.creditBasisPoints, status: breach.status,
                                    earnBack: EarnBack.state(periods: breach.earnBackPeriods, following: following))
        }
        let statement = CreditStatement.compute(monthlyFee: contract.monthlyFee, capBasisPoints: contract.creditCapBasisPoints,
                                                breaches: creditable)
        let names = Dictionary(breaches.map { ($0.id, $0.obligationName) }, uniquingKeysWith: { first, _ in first })
        return .ok(.init(body: .json(.init(
            contractId: contractID.wire, month: month.description, currency: contract.currency,
            monthlyFee: contract.monthlyFee, serviceCreditCapPercent: BasisPoints.percent(contract.creditCapBasisPoints),
            cap: statement.cap, subtotal: statement.subtotal, total: statement.total, capped: statement.isCapped,
            roundingRule: CreditStatement.roundingRule,
            lines: statement.lines.map { line in
                .init(breachId: line.breach.breachID.wire, obligationId: line.breach.obligationID.wire,
                      obligationName: names[line.breach.breachID] ?? "", period: line.breach.period.description,
                      creditPercent: BasisPoints.percent(line.breach.creditBasisPoints),
                      status: .init(line.breach.status), earnBack: .init(line.breach.earnBack),
                      grossAmount: line.grossAmount, amount: line.amount)
            }))))
    }

    func getCompliance(_ input: Operations.GetCompliance.Input) async throws -> Operations.GetCompliance.Output {
        let contractID = try Self.contract.id(input.path.contractId)
        let from = YearMonth(input.query.from), to = YearMonth(input.query.to)
        var errors: [FieldError] = []
        if from == nil { errors.append(.init(pointer: "/from", detail: "must be a month YYYY-MM")) }
        if to == nil { errors.append(.init(pointer: "/to", detail: "must be a month YYYY-MM")) }
        if let from, let to, !(0..<Self.maxComplianceMonths).contains(from.months(to: to)) {
            errors.append(.init(pointer: "/to", detail: "must be from `from` to \(Self.maxComplianceMonths - 1) months after it"))
        }
        // Both have the contract's shape (checked before the handler): what is left is semantic.
        guard errors.isEmpty, let from, let to else { throw ValidationFailure(errors) }
        let today = CalendarDate(utcDate: session.environment.now())
        let (obligations, outcomes, breaches) = try await session.run { context in
            guard try await ContractStore(context.scope).find(contractID) != nil else { throw APIProblem.notFound("Contract \(input.path.contractId)") }
            try await refreshDeliverables(context)
            let obligations = try await ObligationStore(context.scope).all(of: contractID)
            // A week that ends in `from` may start up to six days before it.
            let outcomes = try await MeasurementStore(context.scope).outcomes(
                of: obligations.map(\.id), from: max(from.first.adding(days: -6), .beginning), to: to.last)
            return (obligations, outcomes, try await BreachStore(context.scope).inMonths(contract: contractID, from: from, to: to))
        }
        let breachIDs = Dictionary(breaches.map { (PeriodKey($0.obligationID, $0.period.start), $0.id) },
                                   uniquingKeysWith: { first, _ in first })
        let outcomesByObligation = Dictionary(grouping: outcomes, by: \.key.obligationID)
        var monthly: [YearMonth: ComplianceTally] = [:]
        let rows = obligations.map { obligation -> Components.Schemas.Compliance.ObligationsPayloadPayload in
            var judged: [(MeasurementPeriod, Double?, Bool)] = []
            if obligation.kind.isMeasured {
                for (key, outcome) in outcomesByObligation[obligation.id] ?? [] {
                    if let period = MeasurementPeriod(kind: obligation.period, start: key.start) {
                        judged.append((period, outcome.value, outcome.met))
                    }
                }
            } else if let due = obligation.dueDate, let period = obligation.duePeriod,
                      let breached = DeliverableCompliance.isBreached(due: due, deliveredOn: obligation.deliveredOn, today: today) {
                judged.append((period, nil, !breached))
            }
            judged = judged.filter { (from...to).contains($0.0.creditMonth) }.sorted { $0.0 < $1.0 }
            var tally = ComplianceTally()
            for (period, _, met) in judged {
                tally.add(met: met)
                monthly[period.creditMonth, default: ComplianceTally()].add(met: met)
            }
            return .init(
                value1: Self.tally(tally),
                value2: .init(obligationId: obligation.id.wire, name: obligation.name,
                              kind: .init(obligation.kind), period: .init(obligation.period),
                              periods: judged.map { period, value, met in
                                  .init(period: period.description, periodStart: period.start.description, value: value, met: met,
                                        breachId: breachIDs[PeriodKey(obligation.id, period.start)].map(\.wire))
                              }))
        }
        var months: [Components.Schemas.Compliance.MonthsPayloadPayload] = []
        var month = from
        while month <= to {
            months.append(.init(value1: Self.tally(monthly[month] ?? ComplianceTally()), value2: .init(month: month.description)))
            month = month.next
        }
        return .ok(.init(body: .json(.init(contractId: contractID.wire, from: from.description,
                                           to: to.description, months: months, obligations: rows))))
    }

    private static func tally(_ tally: ComplianceTally) -> Components.Schemas.ComplianceTally {
        .init(evaluated: tally.evaluated, met: tally.met, sharePercent: tally.sharePercent)
    }

    /// Met or not for the periods after each breach that its earn-back looks at.
    private func earnBackOutcomes(of breaches: [BreachRecord], _ context: TenantSession.Context) async throws -> [PeriodKey: Bool] {
        let offering = breaches.filter { ($0.earnBackPeriods ?? 0) > 0 }
        guard let first = offering.map(\.period.end).min() else { return [:] }
        // The longest window: 24 monthly periods after the latest breach (about 750 days).
        let last = offering.map { $0.period.end.adding(days: 31 * ($0.earnBackPeriods ?? 0) + 1) }.max() ?? first
        return try await MeasurementStore(context.scope).outcomes(of: Array(Set(offering.map(\.obligationID))), from: first.adding(days: 1),
                                                          to: last).mapValues(\.met)
    }
}
