import APIDefinition
import Domain
import Foundation
import Persistence

/// Sprints, burndown and velocity.
extension APIHandler {
    /// The sprints of the project the path names; its store finds the project (404 when it is not
    /// the caller's).
    func sprintKind(_ projectRef: String) -> ResourceKind<SprintStore, Components.Schemas.Sprint> {
        ResourceKind(
            noun: "Sprint", auditType: "sprint",
            fields: [.init("name", \.name), .init("goal", \.goal), .init("startDate", \.start), .init("finishDate", \.finish),
                     .init("committedPoints", \.committedPoints)],
            store: { context in SprintStore(context.scope, projectID: try await project(context, projectRef).id) },
            render: Self.resource)
    }

    func listSprints(_ input: Operations.ListSprints.Input) async throws -> Operations.ListSprints.Output {
        let page = try await list(sprintKind(input.path.projectRef), limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: page.items, nextCursor: page.nextCursor))))
    }

    func createSprint(_ input: Operations.CreateSprint.Input) async throws -> Operations.CreateSprint.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let (start, finish) = Self.sprintDates(body.startDate, body.finishDate, &checks)
        SprintRules.check(name: body.name, goal: body.goal, committed: body.committedPoints, &checks)
        try checks.throwIfAny()
        guard let start, let finish else { throw APIProblem.internalError }  // nil only with an error noted
        let (created, etag) = try await create(
            sprintKind(input.path.projectRef), operation: Operations.CreateSprint.id,
            location: { "/v1/projects/\($0.projectID.wire)/sprints/\($0.id.wire)" }
        ) { context, store in
            let now = context.environment.now()
            return try await store.insert(SprintRecord(
                id: context.environment.newID(), projectID: store.projectID, name: body.name, goal: body.goal, start: start,
                finish: finish, committedPoints: body.committedPoints, createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getSprint(_ input: Operations.GetSprint.Input) async throws -> Operations.GetSprint.Output {
        let (sprint, etag) = try await read(sprintKind(input.path.projectRef), input.path.sprintId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(sprint)))
    }

    func updateSprint(_ input: Operations.UpdateSprint.Input) async throws -> Operations.UpdateSprint.Output {
        let patch: Components.Schemas.SprintPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (sprint, etag) = try await update(sprintKind(input.path.projectRef), input.path.sprintId,
                                              operation: Operations.UpdateSprint.id) { context, current, _ in
            let keys = context.body.keys
            var checks = FieldChecks()
            let (start, finish) = Self.sprintDates(patch.startDate ?? current.start.description,
                                                   patch.finishDate ?? current.finish.description, &checks)
            var next = current
            if let name = patch.name { next.name = name }
            if keys.contains("goal") { next.goal = patch.goal }
            if keys.contains("committedPoints") { next.committedPoints = patch.committedPoints }
            SprintRules.check(name: next.name, goal: next.goal, committed: next.committedPoints, &checks)
            try checks.throwIfAny()
            guard let start, let finish else { throw APIProblem.internalError }  // nil only with an error noted
            next.start = start
            next.finish = finish
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(sprint)))
    }

    func deleteSprint(_ input: Operations.DeleteSprint.Input) async throws -> Operations.DeleteSprint.Output {
        try await delete(sprintKind(input.path.projectRef), input.path.sprintId, operation: Operations.DeleteSprint.id)
        return .noContent(.init())
    }

    func getSprintBurndown(_ input: Operations.GetSprintBurndown.Input) async throws -> Operations.GetSprintBurndown.Output {
        let kind = sprintKind(input.path.projectRef)
        let id = try kind.id(input.path.sprintId)
        let today = CalendarDate(utcDate: session.environment.now())
        let (sprint, items) = try await session.run { context in
            let store = try await kind.store(context)
            guard let sprint = try await store.find(id) else { throw kind.notFound(input.path.sprintId) }
            return (sprint, try await store.itemPoints(of: id))
        }
        let series = Burndown.series(items: items, start: sprint.start, finish: sprint.finish, asOf: today)
        return .ok(.init(body: .json(.init(
            sprintId: id.wire, totalPoints: items.reduce(0) { $0 + $1.points },
            points: series.map { .init(date: $0.date.description, remainingPoints: $0.remainingPoints,
                                       idealRemaining: $0.idealRemaining) }))))
    }

    func getVelocity(_ input: Operations.GetVelocity.Input) async throws -> Operations.GetVelocity.Output {
        let today = CalendarDate(utcDate: session.environment.now())
        let outcomes = try await session.run { context in
            let store = try await sprintKind(input.path.projectRef).store(context)
            var outcomes: [(SprintRecord, SprintOutcome)] = []
            for sprint in try await store.finished(before: today) {
                let items = try await store.itemPoints(of: sprint.id)
                let completed = items.filter { $0.completedOn.map { $0 <= sprint.finish } ?? false }
                outcomes.append((sprint, SprintOutcome(
                    sprintID: sprint.id, finish: sprint.finish,
                    committedPoints: sprint.committedPoints ?? items.reduce(0) { $0 + $1.points },
                    completedPoints: completed.reduce(0) { $0 + $1.points })))
            }
            return outcomes
        }
        let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.0.id, $0.0) })
        return .ok(.init(body: .json(.init(sprints: Velocity.series(outcomes.map(\.1)).map { point in
            .init(sprintId: point.sprintID.wire, name: byID[point.sprintID]?.name ?? "",
                  finishDate: byID[point.sprintID]?.finish.description ?? "", committedPoints: point.committedPoints,
                  completedPoints: point.completedPoints, rollingAverage: point.rollingAverage)
        }))))
    }

    static func resource(_ record: SprintRecord) -> Components.Schemas.Sprint {
        Components.Schemas.Sprint(
            id: record.id.wire, projectId: record.projectID.wire, name: record.name,
            goal: record.goal, startDate: record.start.description, finishDate: record.finish.description,
            committedPoints: record.committedPoints, itemCount: record.itemCount, points: record.points,
            createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    private static func sprintDates(_ start: String, _ finish: String,
                                    _ checks: inout FieldChecks) -> (CalendarDate?, CalendarDate?) {
        let first = CalendarDate(start), last = CalendarDate(finish)
        checks.require(first != nil, "/startDate", "must be a calendar date YYYY-MM-DD")
        checks.require(last != nil, "/finishDate", "must be a calendar date YYYY-MM-DD")
        if let first, let last {
            checks.require(last >= first && last.daysSinceEpoch - first.daysSinceEpoch <= 366, "/finishDate",
                           "must be on or after startDate, at most 366 days later")
        }
        return (first, last)
    }

}

extension Components.Schemas.Sprint: VersionedWire {}
