import APIDefinition
import Domain
import Foundation
import Persistence

/// Baselines and their variance.
extension APIHandler {
    func listBaselines(_ input: Operations.ListBaselines.Input) async throws -> Operations.ListBaselines.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in
            try await baselines(context, input.path.projectRef).page(after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.resource), nextCursor: next))))
    }

    func createBaseline(_ input: Operations.CreateBaseline.Input) async throws -> Operations.CreateBaseline.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateBaseline.id) { context in
            let record = try await baselines(context, input.path.projectRef).create(
                id: context.environment.newID(), name: body.name, at: context.environment.now())
            try await audit(context, Operations.CreateBaseline.id, "baseline", record.id, changed: ["name"])
            return Created(resource: Self.resource(record),
                           location: "/v1/projects/\(record.projectID.wire)/baselines/\(record.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location), body: .json(created.resource)))
    }

    func getBaseline(_ input: Operations.GetBaseline.Input) async throws -> Operations.GetBaseline.Output {
        let id = try Self.resourceID(input.path.baselineId, "Baseline")
        let record = try await session.run { context in try await baselines(context, input.path.projectRef).find(id) }
        guard let record else { throw APIProblem.notFound("Baseline \(input.path.baselineId)") }
        return .ok(.init(body: .json(Self.resource(record))))
    }

    func getBaselineVariance(_ input: Operations.GetBaselineVariance.Input) async throws -> Operations.GetBaselineVariance.Output {
        let id = try Self.resourceID(input.path.baselineId, "Baseline")
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let (baseline, totals, page, calendar) = try await session.run { context in
            let store = try await baselines(context, input.path.projectRef)
            guard let baseline = try await store.find(id) else { throw APIProblem.notFound("Baseline \(input.path.baselineId)") }
            return (baseline, try await store.currentTotals(), try await store.compare(id, after: cursor, limit: limit + 1),
                    try await calendars(context).current().calendar)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.workItemID)
        func days(_ then: CalendarDate?, _ now: CalendarDate?) -> Int? {
            guard let then, let now else { return nil }
            return calendar.signedWorkingDays(from: then, to: now)
        }
        return .ok(.init(body: .json(.init(
            baseline: Self.resource(baseline), plannedStart: totals.start?.description,
            plannedFinish: totals.finish?.description,
            startVarianceDays: days(baseline.plannedStart, totals.start),
            finishVarianceDays: days(baseline.plannedFinish, totals.finish),
            budgetAtCompletion: totals.cost, costVariance: totals.cost - baseline.budgetAtCompletion,
            items: items.map { item in
                .init(workItemId: item.workItemID.wire, title: item.title,
                      baselineStart: item.baseline?.start?.description, baselineFinish: item.baseline?.finish?.description,
                      currentStart: item.current?.start?.description, currentFinish: item.current?.finish?.description,
                      startVarianceDays: days(item.baseline?.start, item.current?.start),
                      finishVarianceDays: days(item.baseline?.finish, item.current?.finish),
                      baselineCost: item.baseline?.cost, currentCost: item.current?.cost,
                      costVariance: item.baseline.flatMap { then in item.current.map { $0.cost - then.cost } })
            },
            nextCursor: next))))
    }

    static func resource(_ record: BaselineRecord) -> Components.Schemas.Baseline {
        Components.Schemas.Baseline(
            id: record.id.wire, projectId: record.projectID.wire, name: record.name,
            plannedStart: record.plannedStart?.description, plannedFinish: record.plannedFinish?.description,
            budgetAtCompletion: record.budgetAtCompletion, itemCount: record.itemCount, createdAt: record.createdAt)
    }

    /// The baselines of the project the path names (404 when it is not the caller's). Not a
    /// `ResourceKind`: baselines have no version, so no `ETag` and no conditional write.
    private func baselines(_ context: TenantSession.Context, _ projectRef: String) async throws -> BaselineStore {
        BaselineStore(context.scope, projectID: try await project(context, projectRef).id)
    }
}
