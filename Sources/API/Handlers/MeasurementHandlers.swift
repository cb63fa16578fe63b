import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// Measurements: one period at a time (`PUT`, idempotent by nature) or up to 1,000 across
/// obligations in one all-or-nothing request. Compliance is judged on write; breaches follow.
extension APIHandler {
    static let maxMeasurementsPerRequest = 1_000

    func putMeasurement(_ input: Operations.PutMeasurement.Input) async throws -> Operations.PutMeasurement.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let id = try Self.obligation.id(input.path.obligationId)
        let recorded = try await session.run { context in
            guard try await ObligationStore(context.scope).find(id) != nil else {
                throw APIProblem.notFound("Obligation \(input.path.obligationId)")
            }
            return try await record([MeasurementInput(pointer: "", obligationID: id, period: input.path.period, value: body.value)],
                                    context)[0]
        }
        let resource = GovernanceMapping.resource(recorded.measurement)
        let etag = Preconditions.etag(version: recorded.measurement.version)
        return recorded.created ? .created(.init(headers: .init(eTag: etag), body: .json(resource)))
            : .ok(.init(headers: .init(eTag: etag), body: .json(resource)))
    }

    func recordMeasurements(_ input: Operations.RecordMeasurements.Input) async throws -> Operations.RecordMeasurements.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.require((1...Self.maxMeasurementsPerRequest).contains(body.items.count), "/items",
                       "must hold 1–\(Self.maxMeasurementsPerRequest) measurements")
        let inputs = body.items.enumerated().map { index, item in
            let id = UUID(uuidString: item.obligationId)
            checks.require(id != nil, "/items/\(index)/obligationId", "must be a UUID")
            return MeasurementInput(pointer: "/items/\(index)", obligationID: id ?? UUIDv7.lowest, period: item.period,
                                    value: item.value)
        }
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.RecordMeasurements.id) { context in
            let results = try await record(inputs, context)
            let counts = (created: results.filter(\.created).count, corrected: results.filter { $0.changed && !$0.created }.count)
            return Created(resource: Components.Schemas.MeasurementBulkResult(
                items: results.map { GovernanceMapping.resource($0.measurement) }, created: counts.created,
                corrected: counts.corrected, unchanged: results.count - counts.created - counts.corrected,
                breachesOpened: results.filter { $0.breachChange == .open }.count,
                breachesWithdrawn: results.filter { $0.breachChange == .withdraw }.count), location: nil)
        }
        return .ok(.init(body: .json(created.resource)))
    }

    /// By its obligation and period, not by its id: not `read`.
    func getMeasurement(_ input: Operations.GetMeasurement.Input) async throws -> Operations.GetMeasurement.Output {
        let id = try Self.obligation.id(input.path.obligationId)
        let record = try await session.run { context -> MeasurementRecord? in
            guard let obligation = try await ObligationStore(context.scope).find(id) else { return nil }
            guard let period = MeasurementPeriod(key: input.path.period, kind: obligation.period) else { return nil }
            return try await MeasurementStore(context.scope).find(PeriodKey(id, period.start))
        }
        guard let record else { throw APIProblem.notFound("Measurement \(input.path.period) of obligation \(input.path.obligationId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(GovernanceMapping.resource(record))))
    }

    func listMeasurements(_ input: Operations.ListMeasurements.Input) async throws -> Operations.ListMeasurements.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let id = try Self.obligation.id(input.path.obligationId)
        let page = try await session.run { context in
            guard try await ObligationStore(context.scope).find(id) != nil else {
                throw APIProblem.notFound("Obligation \(input.path.obligationId)")
            }
            return try await MeasurementStore(context.scope).list(obligation: id, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(GovernanceMapping.resource), nextCursor: next))))
    }

    /// Records the values and audits what changed: each new or corrected measurement, and each breach
    /// opened, restated or withdrawn.
    private func record(_ inputs: [MeasurementInput], _ context: TenantSession.Context) async throws -> [RecordedMeasurement] {
        let now = context.environment.now()
        let (results, events) = try await MeasurementRecorder(context.scope)
            .record(inputs, today: CalendarDate(utcDate: now), requestID: context.requestID, now: now,
                    newID: context.environment.newID)
        let entries = results.filter(\.changed).map { result in
            AuditEntry(actor: context.actor, operation: result.created ? "recordMeasurement" : "correctMeasurement",
                       resourceType: "measurement", resourceID: result.measurement.id, requestID: context.requestID,
                       changedFields: ["value"], clientAddress: context.clientAddress)
        }
        try await AuditLog(context.scope).record(entries, ids: entries.map { _ in context.environment.newID() }, at: now)
        try await audit(context, breachEvents: events)
        return results
    }
}
