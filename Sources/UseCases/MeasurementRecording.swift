public import Domain
public import Foundation
public import Persistence

/// One value to record, as a request gave it; `pointer` locates it in the request ("/items/3", or ""
/// for a single measurement) so every refusal names the item.
public struct MeasurementInput: Sendable {
    public var pointer: String
    public var obligationID: UUID
    public var period: String
    public var value: Double

    public init(pointer: String, obligationID: UUID, period: String, value: Double) {
        self.pointer = pointer
        self.obligationID = obligationID
        self.period = period
        self.value = value
    }
}

/// What recording one value did.
public struct RecordedMeasurement: Sendable {
    public var measurement: MeasurementRecord
    /// The period had no value before.
    public var created: Bool
    /// The value differed from the stored one (false: the same value again, nothing written).
    public var changed: Bool
    public var breachChange: BreachChange
}

/// Values that would withdraw a breach whose credit was already given (409).
public struct CreditedBreachCorrections: Error, Sendable {
    public var errors: [FieldError]
}

/// A breach opened, restated or withdrawn: for the audit log.
public struct BreachEvent: Sendable {
    public var breachID: UUID
    public var change: BreachChange
}

/// Records measurements all or nothing (docs/DOMAIN.md §5 rules): validates every item, decides compliance
/// under each period's terms, writes the changed values with their revision trail, and opens,
/// restates or withdraws the periods' breaches. The obligations are locked first, so concurrent
/// writers to one obligation (and changes of its terms) take turns.
public struct MeasurementRecorder: Sendable {
    let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public func record(_ inputs: [MeasurementInput], today: CalendarDate, requestID: String?, now: Date,
                       newID: () -> UUID) async throws -> (results: [RecordedMeasurement], breaches: [BreachEvent]) {
        let obligations = try await ObligationStore(scope).findMany(Array(Set(inputs.map(\.obligationID))), lock: true)
        let contracts = try await ContractStore(scope).findMany(Array(Set(obligations.values.map(\.contractID))), share: true)
        let periods = try Self.validate(inputs, obligations: obligations, contracts: contracts, today: today)

        let keys = zip(inputs, periods).map { PeriodKey($0.obligationID, $1.start) }
        let measurementStore = MeasurementStore(scope)
        let stored = try await measurementStore.existing(keys)
        let breachStore = BreachStore(scope)
        let breaches = try await breachStore.existing(keys)

        var decisions: [MeasurementDecision] = []
        var credited: [FieldError] = []
        for (index, input) in inputs.enumerated() {
            let obligation = obligations[input.obligationID]!
            let terms = obligation.terms.terms(for: periods[index])!
            do {
                decisions.append(try MeasurementEvaluation.decide(
                    value: input.value, terms: terms, previous: stored[keys[index]]?.value, breach: breaches[keys[index]]?.status))
            } catch {
                credited.append(FieldError(pointer: "\(input.pointer)/value",
                                           detail: "meets the terms, but the breach of \(periods[index]) has been credited"))
            }
        }
        guard credited.isEmpty else { throw CreditedBreachCorrections(errors: credited) }

        var writes: [MeasurementWrite] = []
        var toOpen: [NewBreach] = [], toRestate: [(id: UUID, value: Double?)] = [], toWithdraw: [UUID] = []
        var events: [BreachEvent] = []
        var breachIDs: [PeriodKey: UUID] = breaches.mapValues(\.id)
        for (index, decision) in decisions.enumerated() where decision.changed {
            let input = inputs[index], key = keys[index], obligation = obligations[input.obligationID]!
            writes.append(MeasurementWrite(id: stored[key]?.id ?? newID(), obligationID: input.obligationID,
                                           period: periods[index], value: input.value, met: decision.met))
            switch decision.breach {
            case .none: break
            case .open:
                let id = newID()
                breachIDs[key] = id
                toOpen.append(NewBreach(id: id, contractID: obligation.contractID, obligationID: obligation.id,
                                        period: periods[index], value: input.value,
                                        terms: obligation.terms.terms(for: periods[index])!))
            case .restate:
                toRestate.append((breaches[key]!.id, input.value))
                events.append(BreachEvent(breachID: breaches[key]!.id, change: .restate))
            case .withdraw:
                toWithdraw.append(breaches[key]!.id)
                events.append(BreachEvent(breachID: breaches[key]!.id, change: .withdraw))
                breachIDs[key] = nil
            }
        }
        let written = try await measurementStore.record(writes, requestID: requestID, at: now)
        // The obligations are locked, so no other writer can have opened these periods' breaches.
        for id in try await breachStore.open(toOpen, at: now) { events.append(BreachEvent(breachID: id, change: .open)) }
        try await breachStore.restate(toRestate, at: now)
        try await breachStore.withdraw(toWithdraw)

        let byKey = Dictionary(uniqueKeysWithValues: written.map { (PeriodKey($0.obligationID, $0.period.start), $0) })
        let results = inputs.indices.map { index -> RecordedMeasurement in
            let key = keys[index]
            var measurement = byKey[key] ?? stored[key]!
            measurement.breachID = breachIDs[key]
            return RecordedMeasurement(measurement: measurement, created: stored[key] == nil, changed: decisions[index].changed,
                                       breachChange: decisions[index].changed ? decisions[index].breach : .none)
        }
        return (results, events)
    }

    /// Every refusal of every item at once, or each item's period.
    static func validate(_ inputs: [MeasurementInput], obligations: [UUID: ObligationRecord],
                         contracts: [UUID: ContractRecord], today: CalendarDate) throws(ValidationFailure) -> [MeasurementPeriod] {
        var checks = FieldChecks()
        var periods: [MeasurementPeriod] = []
        var seen: [PeriodKey: Int] = [:]
        for (index, input) in inputs.enumerated() {
            checks.require(input.value.isFinite && abs(input.value) <= 1e15, "\(input.pointer)/value",
                           "must be a number between -1e15 and 1e15")
            guard let obligation = obligations[input.obligationID] else {
                checks.require(false, "\(input.pointer)/obligationId", "is not an obligation of this organisation")
                continue
            }
            guard obligation.kind.isMeasured else {
                checks.require(false, "\(input.pointer)/obligationId",
                               "is a deliverable: it is met by its delivery date (deliveredOn), not by measurements")
                continue
            }
            guard let period = MeasurementPeriod(key: input.period, kind: obligation.period) else {
                checks.require(false, "\(input.pointer)/period",
                               "must be a \(obligation.period.rawValue) period, \(obligation.period.keyFormat)")
                continue
            }
            checks.require(period.start <= today, "\(input.pointer)/period", "has not started yet")
            if let contract = contracts[obligation.contractID] {
                checks.require(contract.covers(period), "\(input.pointer)/period",
                               "is outside the contract's term (\(contract.start) to \(contract.end?.description ?? "open"))")
            }
            let key = PeriodKey(obligation.id, period.start)
            if let earlier = seen[key] {
                checks.require(false, "\(input.pointer)/period", "is given twice for this obligation (also item \(earlier))")
            }
            seen[key] = index
            periods.append(period)
        }
        try checks.throwIfAny()
        return periods
    }
}
