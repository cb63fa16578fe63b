import APIDefinition
import Domain
import Foundation
import Persistence

/// Hypercare metrics and their values; values may be fed with `governance:write`.
extension APIHandler {
    /// A transition's hypercare metrics: the common statements name the transition, so a metric of
    /// another is not found. Their wire form needs their run of met periods too, so the kind's is the row.
    static func hypercareMetric(of transitionID: UUID) -> ResourceKind<HypercareStore, HypercareMetricRecord> {
        ResourceKind(noun: "Metric", auditType: "hypercare_metric",
                     fields: [.init("name", \.name), .init("comparator", \.comparator), .init("target", \.target),
                              .init("period", \.period), .init("requiredPeriods", \.requiredPeriods)],
                     store: { HypercareStore($0.scope, transition: transitionID) }, render: { $0 })
    }

    func listHypercareMetrics(_ input: Operations.ListHypercareMetrics.Input) async throws -> Operations.ListHypercareMetrics.Output {
        let id = try Self.transition.id(input.path.transitionId)
        let (metrics, runs) = try await session.run { context in
            try await Self.requireTransition(id, input.path.transitionId, context)
            let store = HypercareStore(context.scope)
            let metrics = try await store.all(of: id)
            return (metrics, try await store.consecutiveMet(metrics, today: CalendarDate(utcDate: context.environment.now())))
        }
        let items = try metrics.map { metric throws(CorruptRow) in
            try TransitionMapping.resource(metric, consecutiveMet: runs[metric.id] ?? 0)
        }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createHypercareMetric(_ input: Operations.CreateHypercareMetric.Input) async throws -> Operations.CreateHypercareMetric.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let transitionID = try Self.transition.id(input.path.transitionId)
        var checks = FieldChecks()
        HypercareMetricRules.check(name: body.name, target: body.target, required: body.requiredPeriods, &checks)
        try checks.throwIfAny()
        let kind = Self.hypercareMetric(of: transitionID)
        // Not `create`: the transition is locked first, and the metric is rendered with its run (none yet).
        let created = try await idempotentCreate(Operations.CreateHypercareMetric.id) { context in
            try await Self.requireTransition(transitionID, input.path.transitionId, context, lock: true)
            let now = context.environment.now()
            let record = try await kind.store(context).insert(HypercareMetricRecord(
                id: context.environment.newID(), transitionID: transitionID, name: body.name,
                comparator: ThresholdComparator(body.comparator), target: body.target,
                period: PeriodKind(body.period), requiredPeriods: body.requiredPeriods,
                createdAt: now, updatedAt: now))
            try await audit(context, Operations.CreateHypercareMetric.id, kind.auditType, record.id, changed: kind.fields.map(\.name))
            return Created(resource: try TransitionMapping.resource(record, consecutiveMet: 0),
                           location: "/v1/transitions/\(transitionID.wire)/hypercare-metrics/\(record.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func updateHypercareMetric(_ input: Operations.UpdateHypercareMetric.Input) async throws -> Operations.UpdateHypercareMetric.Output {
        let patch: Components.Schemas.HypercareMetricPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let transitionID = try Self.transition.id(input.path.transitionId)
        let kind = Self.hypercareMetric(of: transitionID)
        let id = try kind.id(input.path.metricId)
        // Not `update`: the metric is rendered with its run of met periods.
        let (record, run) = try await lockedWrite(kind, input.path.metricId, id) { context, store, current in
            var next = current
            next.name = patch.name ?? current.name
            if let comparator = patch.comparator { next.comparator = ThresholdComparator(comparator) }
            next.target = patch.target ?? current.target
            next.requiredPeriods = patch.requiredPeriods ?? current.requiredPeriods
            var checks = FieldChecks()
            HypercareMetricRules.check(name: next.name, target: next.target, required: next.requiredPeriods, &checks)
            try checks.throwIfAny()
            let changed = kind.changed(from: current, to: next)
            var updated = current
            if !changed.isEmpty {
                updated = try await store.update(next, at: context.environment.now())
                try await audit(context, Operations.UpdateHypercareMetric.id, kind.auditType, id, changed: changed)
            }
            return (updated, try await store.consecutiveMet([updated], today: CalendarDate(utcDate: context.environment.now()))[id] ?? 0)
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(try TransitionMapping.resource(record, consecutiveMet: run))))
    }

    func deleteHypercareMetric(_ input: Operations.DeleteHypercareMetric.Input) async throws -> Operations.DeleteHypercareMetric.Output {
        let transitionID = try Self.transition.id(input.path.transitionId)
        try await delete(Self.hypercareMetric(of: transitionID), input.path.metricId, operation: Operations.DeleteHypercareMetric.id)
        return .noContent(.init())
    }

    func listHypercareValues(_ input: Operations.ListHypercareValues.Input) async throws -> Operations.ListHypercareValues.Output {
        let transitionID = try Self.transition.id(input.path.transitionId)
        let kind = Self.hypercareMetric(of: transitionID)
        let id = try kind.id(input.path.metricId)
        let limit = try Pagination.limit(input.query.limit)
        guard let from = input.query.from.map({ CalendarDate($0) }) ?? .beginning else {
            throw ValidationFailure([FieldError(pointer: "/from", detail: "must be a calendar date YYYY-MM-DD")])
        }
        let values = try await session.run { context in
            let store = try await kind.store(context)
            guard let metric = try await store.find(id) else { throw kind.notFound(input.path.metricId) }
            return try await store.values(of: metric, from: from, limit: limit)
        }
        return .ok(.init(body: .json(.init(items: values.map(TransitionMapping.resource)))))
    }

    func putHypercareValue(_ input: Operations.PutHypercareValue.Input) async throws -> Operations.PutHypercareValue.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let transitionID = try Self.transition.id(input.path.transitionId)
        let kind = Self.hypercareMetric(of: transitionID)
        let id = try kind.id(input.path.metricId)
        // Not a conditional write (no `If-Match`): a period's value is put, idempotent by nature.
        let (value, created) = try await session.run { context in
            let store = try await kind.store(context)
            guard let metric = try await store.find(id, lock: true) else { throw kind.notFound(input.path.metricId) }
            var checks = FieldChecks()
            let parsed = MeasurementPeriod(key: input.path.period, kind: metric.period)
            checks.require(parsed != nil, "/period", "must be a \(metric.period.rawValue) period, \(metric.period.keyFormat)")
            checks.require(body.value.isFinite && abs(body.value) <= 1e15, "/value", "must be a number between -1e15 and 1e15")
            if let parsed {
                // A running period's value is provisional: only periods that are over count towards steady state.
                checks.require(parsed.end < CalendarDate(utcDate: context.environment.now()), "/period", "is not over yet")
            }
            try checks.throwIfAny()
            guard let period = parsed else { throw APIProblem.internalError }  // noted at /period when nil
            let (value, created, changed) = try await store.record(metric, period: period, value: body.value,
                                                                  at: context.environment.now())
            if changed {
                // The audit log names what the put did (not an operation of the API).
                try await audit(context, created ? "recordHypercareValue" : "correctHypercareValue", kind.auditType, id,
                                changed: ["value:\(period)"])
            }
            return (value, created)
        }
        let resource = TransitionMapping.resource(value)
        return created ? .created(.init(body: .json(resource))) : .ok(.init(body: .json(resource)))
    }

}
