import APIDefinition
import Domain
import Foundation
import Persistence

/// Sprints, burndown and velocity.
extension APIHandler {
    func listSprints(_ input: Operations.ListSprints.Input) async throws -> Operations.ListSprints.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in
            try await sprints(context, input.path.projectRef).list(after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.resource), nextCursor: next))))
    }

    func createSprint(_ input: Operations.CreateSprint.Input) async throws -> Operations.CreateSprint.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let (start, finish) = Self.sprintDates(body.startDate, body.finishDate, &checks)
        Self.checkSprint(name: body.name, goal: body.goal, committed: body.committedPoints, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateSprint.id) { context in
            let store = try await sprints(context, input.path.projectRef)
            let now = context.environment.now()
            let record = try await store.insert(SprintRecord(
                id: context.environment.newID(), projectID: store.projectID, name: body.name, goal: body.goal, start: start!,
                finish: finish!, committedPoints: body.committedPoints, createdAt: now, updatedAt: now))
            try await audit(context, "createSprint", "sprint", record.id,
                            changed: ["name", "goal", "startDate", "finishDate", "committedPoints"])
            return Created(resource: Self.resource(record),
                           location: "/v1/projects/\(record.projectID.uuidString.lowercased())/sprints/\(record.id.uuidString.lowercased())")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getSprint(_ input: Operations.GetSprint.Input) async throws -> Operations.GetSprint.Output {
        let id = try Self.resourceID(input.path.sprintId, "Sprint")
        let record = try await session.run { context in try await sprints(context, input.path.projectRef).find(id) }
        guard let record else { throw APIProblem.notFound("Sprint \(input.path.sprintId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(Self.resource(record))))
    }

    func updateSprint(_ input: Operations.UpdateSprint.Input) async throws -> Operations.UpdateSprint.Output {
        let patch: Components.Schemas.SprintPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.sprintId, "Sprint")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let record = try await session.run { context in
            let store = try await sprints(context, input.path.projectRef)
            guard let current = try await store.find(id, lock: true) else { throw APIProblem.notFound("Sprint \(input.path.sprintId)") }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            let keys = JSONPresence(rawBody: context.rawBody).keys
            var checks = FieldChecks()
            let (start, finish) = Self.sprintDates(patch.startDate ?? current.start.description,
                                                   patch.finishDate ?? current.finish.description, &checks)
            var next = current
            if let name = patch.name { next.name = name }
            if keys.contains("goal") { next.goal = patch.goal }
            if keys.contains("committedPoints") { next.committedPoints = patch.committedPoints }
            Self.checkSprint(name: next.name, goal: next.goal, committed: next.committedPoints, &checks)
            try checks.throwIfAny()
            next.start = start!
            next.finish = finish!
            let changed = [("name", next.name != current.name), ("goal", next.goal != current.goal),
                           ("startDate", next.start != current.start), ("finishDate", next.finish != current.finish),
                           ("committedPoints", next.committedPoints != current.committedPoints)].filter(\.1).map(\.0)
            guard !changed.isEmpty else { return current }
            let updated = try await store.update(next, at: context.environment.now())
            try await audit(context, "updateSprint", "sprint", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(Self.resource(record))))
    }

    func deleteSprint(_ input: Operations.DeleteSprint.Input) async throws -> Operations.DeleteSprint.Output {
        let id = try Self.resourceID(input.path.sprintId, "Sprint")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        try await session.run { context in
            let store = try await sprints(context, input.path.projectRef)
            guard let current = try await store.find(id, lock: true) else { throw APIProblem.notFound("Sprint \(input.path.sprintId)") }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            try await store.delete(id)
            try await audit(context, "deleteSprint", "sprint", id, changed: [])
        }
        return .noContent(.init())
    }

    func getSprintBurndown(_ input: Operations.GetSprintBurndown.Input) async throws -> Operations.GetSprintBurndown.Output {
        let id = try Self.resourceID(input.path.sprintId, "Sprint")
        let today = CalendarDate(utcDate: session.environment.now())
        let (sprint, items) = try await session.run { context in
            let store = try await sprints(context, input.path.projectRef)
            guard let sprint = try await store.find(id) else { throw APIProblem.notFound("Sprint \(input.path.sprintId)") }
            return (sprint, try await store.itemPoints(of: id))
        }
        let series = Burndown.series(items: items, start: sprint.start, finish: sprint.finish, asOf: today)
        return .ok(.init(body: .json(.init(
            sprintId: id.uuidString.lowercased(), totalPoints: items.reduce(0) { $0 + $1.points },
            points: series.map { .init(date: $0.date.description, remainingPoints: $0.remainingPoints,
                                       idealRemaining: $0.idealRemaining) }))))
    }

    func getVelocity(_ input: Operations.GetVelocity.Input) async throws -> Operations.GetVelocity.Output {
        let today = CalendarDate(utcDate: session.environment.now())
        let outcomes = try await session.run { context in
            let store = try await sprints(context, input.path.projectRef)
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
            .init(sprintId: point.sprintID.uuidString.lowercased(), name: byID[point.sprintID]?.name ?? "",
                  finishDate: byID[point.sprintID]?.finish.description ?? "", committedPoints: point.committedPoints,
                  completedPoints: point.completedPoints, rollingAverage: point.rollingAverage)
        }))))
    }

    static func resource(_ record: SprintRecord) -> Components.Schemas.Sprint {
        Components.Schemas.Sprint(
            id: record.id.uuidString.lowercased(), projectId: record.projectID.uuidString.lowercased(), name: record.name,
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

    private static func checkSprint(name: String, goal: String?, committed: Int?, _ checks: inout FieldChecks) {
        checks.requireName(name)
        checks.requireText(goal, maxLength: 2000, at: "/goal")
        if let committed { checks.require((0...100_000).contains(committed), "/committedPoints", "must be 0–100,000") }
    }

    func sprints(_ context: TenantSession.Context, _ projectRef: String) async throws -> SprintStore {
        SprintStore(context.scope,
                    projectID: try await project(context, projectRef).id)
    }
}
