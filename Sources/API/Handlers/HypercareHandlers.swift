import APIDefinition
import Domain
import Foundation
import Persistence

/// Hypercare metrics and their values; values may be fed with `governance:write`.
extension APIHandler {
    func listHypercareMetrics(_ input: Operations.ListHypercareMetrics.Input) async throws -> Operations.ListHypercareMetrics.Output {
        let id = try Self.resourceID(input.path.transitionId, "Transition")
        let (metrics, runs) = try await session.run { context in
            try await requireTransition(id, input.path.transitionId, context)
            let metrics = try await hypercare(context).all(of: id)
            return (metrics, try await hypercare(context).consecutiveMet(metrics, today: CalendarDate(utcDate: context.environment.now())))
        }
        return .ok(.init(body: .json(.init(items: metrics.map { TransitionMapping.resource($0, consecutiveMet: runs[$0.id] ?? 0) }))))
    }

    func createHypercareMetric(_ input: Operations.CreateHypercareMetric.Input) async throws -> Operations.CreateHypercareMetric.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        var checks = FieldChecks()
        Self.checkMetric(name: body.name, target: body.target, required: body.requiredPeriods, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateHypercareMetric.id) { context in
            try await requireTransition(transitionID, input.path.transitionId, context, lock: true)
            let now = context.environment.now()
            let record = try await hypercare(context).insert(HypercareMetricRecord(
                id: context.environment.newID(), transitionID: transitionID, name: body.name,
                comparator: ThresholdComparator(rawValue: body.comparator.rawValue)!, target: body.target,
                period: PeriodKind(rawValue: body.period.rawValue)!, requiredPeriods: body.requiredPeriods,
                createdAt: now, updatedAt: now))
            try await audit(context, "createHypercareMetric", "hypercare_metric", record.id,
                            changed: ["name", "comparator", "target", "period", "requiredPeriods"])
            return Created(resource: TransitionMapping.resource(record, consecutiveMet: 0),
                           location: "/v1/transitions/\(GovernanceMapping.id(transitionID))/hypercare-metrics/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func updateHypercareMetric(_ input: Operations.UpdateHypercareMetric.Input) async throws -> Operations.UpdateHypercareMetric.Output {
        let patch: Components.Schemas.HypercareMetricPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        let id = try Self.resourceID(input.path.metricId, "Metric")
        let (record, run) = try await lockedWrite("Metric \(input.path.metricId)",
                                                  find: { try await hypercare($0).find(id, transition: transitionID, lock: true) },
                                                  version: \.version) { context, current in
            var next = current
            next.name = patch.name ?? current.name
            if let comparator = patch.comparator { next.comparator = ThresholdComparator(rawValue: comparator.rawValue)! }
            next.target = patch.target ?? current.target
            next.requiredPeriods = patch.requiredPeriods ?? current.requiredPeriods
            var checks = FieldChecks()
            Self.checkMetric(name: next.name, target: next.target, required: next.requiredPeriods, &checks)
            try checks.throwIfAny()
            let changed = Self.changedFields([
                ("name", next.name != current.name), ("comparator", next.comparator != current.comparator),
                ("target", next.target != current.target), ("requiredPeriods", next.requiredPeriods != current.requiredPeriods)])
            var updated = current
            if !changed.isEmpty {
                updated = try await hypercare(context).update(next, at: context.environment.now())
                try await audit(context, "updateHypercareMetric", "hypercare_metric", id, changed: changed)
            }
            return (updated, try await hypercare(context).consecutiveMet([updated], today: CalendarDate(utcDate: context.environment.now()))[id] ?? 0)
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(TransitionMapping.resource(record, consecutiveMet: run))))
    }

    func deleteHypercareMetric(_ input: Operations.DeleteHypercareMetric.Input) async throws -> Operations.DeleteHypercareMetric.Output {
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        let id = try Self.resourceID(input.path.metricId, "Metric")
        try await lockedWrite("Metric \(input.path.metricId)",
                              find: { try await hypercare($0).find(id, transition: transitionID, lock: true) },
                              version: \.version) { context, _ in
            try await hypercare(context).delete(id)
            try await audit(context, "deleteHypercareMetric", "hypercare_metric", id, changed: [])
        }
        return .noContent(.init())
    }

    func listHypercareValues(_ input: Operations.ListHypercareValues.Input) async throws -> Operations.ListHypercareValues.Output {
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        let id = try Self.resourceID(input.path.metricId, "Metric")
        let limit = try Pagination.limit(input.query.limit)
        guard let from = input.query.from.map({ CalendarDate($0) }) ?? .beginning else {
            throw ValidationFailure([FieldError(pointer: "/from", detail: "must be a calendar date YYYY-MM-DD")])
        }
        let values = try await session.run { context in
            guard let metric = try await hypercare(context).find(id, transition: transitionID) else {
                throw APIProblem.notFound("Metric \(input.path.metricId)")
            }
            return try await hypercare(context).values(of: metric, from: from, limit: limit)
        }
        return .ok(.init(body: .json(.init(items: values.map(TransitionMapping.resource)))))
    }

    func putHypercareValue(_ input: Operations.PutHypercareValue.Input) async throws -> Operations.PutHypercareValue.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let transitionID = try Self.resourceID(input.path.transitionId, "Transition")
        let id = try Self.resourceID(input.path.metricId, "Metric")
        let (value, created) = try await session.run { context in
            guard let metric = try await hypercare(context).find(id, transition: transitionID, lock: true) else {
                throw APIProblem.notFound("Metric \(input.path.metricId)")
            }
            var checks = FieldChecks()
            let period = MeasurementPeriod(key: input.path.period, kind: metric.period)
            checks.require(period != nil, "/period", "must be a \(metric.period.rawValue) period, \(metric.period.keyFormat)")
            checks.require(body.value.isFinite && abs(body.value) <= 1e15, "/value", "must be a number between -1e15 and 1e15")
            if let period {
                // A running period's value is provisional: only periods that are over count towards steady state.
                checks.require(period.end < CalendarDate(utcDate: context.environment.now()), "/period", "is not over yet")
            }
            try checks.throwIfAny()
            let (value, created, changed) = try await hypercare(context).record(metric, period: period!, value: body.value,
                                                                               at: context.environment.now())
            if changed {
                try await audit(context, created ? "recordHypercareValue" : "correctHypercareValue", "hypercare_metric", id,
                                changed: ["value:\(period!)"])
            }
            return (value, created)
        }
        let resource = TransitionMapping.resource(value)
        return created ? .created(.init(body: .json(resource))) : .ok(.init(body: .json(resource)))
    }

    private static func checkMetric(name: String, target: Double, required: Int, _ checks: inout FieldChecks) {
        checks.requireName(name)
        checks.require(target.isFinite && abs(target) <= 1e15, "/target", "must be a number between -1e15 and 1e15")
        checks.require((1...52).contains(required), "/requiredPeriods", "must be 1–52")
    }

    func hypercare(_ context: TenantSession.Context) -> HypercareStore {
        HypercareStore(context.scope)
    }
}
