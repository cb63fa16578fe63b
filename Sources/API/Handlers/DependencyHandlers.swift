import APIDefinition
import Domain
import Foundation
import Persistence

/// Dependencies between work items and the schedule they make.
extension APIHandler {
    func listDependencies(_ input: Operations.ListDependencies.Input) async throws -> Operations.ListDependencies.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in
            let project = try await project(context, input.path.projectRef)
            return try await dependencies(context).list(project: project.id, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.resource), nextCursor: next))))
    }

    func createDependency(_ input: Operations.CreateDependency.Input) async throws -> Operations.CreateDependency.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let predecessor = checks.uuid(body.predecessorId, at: "/predecessorId")
        let successor = checks.uuid(body.successorId, at: "/successorId")
        let lag = body.lagDays ?? 0
        checks.require((-3650...3650).contains(lag), "/lagDays", "must be -3,650–3,650 working days")
        if let predecessor, let successor {
            checks.require(predecessor != successor, "/successorId", "must be another item than the predecessor")
        }
        try checks.throwIfAny()
        guard let predecessor, let successor else { throw APIProblem.internalError }
        let link = ScheduleDependency(predecessor: predecessor, successor: successor,
                                      type: body._type.map(DependencyType.init) ?? .finishToStart,
                                      lagDays: lag)
        let created = try await idempotentCreate(Operations.CreateDependency.id) { context in
            let project = try await project(context, input.path.projectRef)
            let store = dependencies(context)
            let ends = try await store.summaries([predecessor, successor])
            var missing = FieldChecks()
            missing.require(ends[predecessor] != nil, "/predecessorId", "names no work item of this organisation")
            missing.require(ends[successor] != nil, "/successorId", "names no work item of this organisation")
            try missing.throwIfAny()
            guard ends[predecessor]?.projectID == project.id || ends[successor]?.projectID == project.id else {
                throw ValidationFailure([FieldError(pointer: "/successorId",
                                                    detail: "neither item is in project \(input.path.projectRef)")])
            }
            let record = try await store.insert(id: context.environment.newID(), link, at: context.environment.now())
            try await audit(context, Operations.CreateDependency.id, "dependency", record.id,
                            changed: ["predecessorId", "successorId", "type", "lagDays"])
            return Created(resource: Self.resource(record),
                           location: "/v1/projects/\(project.id.wire)/dependencies/\(record.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location), body: .json(created.resource)))
    }

    func getDependency(_ input: Operations.GetDependency.Input) async throws -> Operations.GetDependency.Output {
        let id = try Self.resourceID(input.path.dependencyId, "Dependency")
        let record = try await session.run { context in
            try await dependencies(context).find(id, project: try await project(context, input.path.projectRef).id)
        }
        guard let record else { throw APIProblem.notFound("Dependency \(input.path.dependencyId)") }
        return .ok(.init(body: .json(Self.resource(record))))
    }

    func deleteDependency(_ input: Operations.DeleteDependency.Input) async throws -> Operations.DeleteDependency.Output {
        let id = try Self.resourceID(input.path.dependencyId, "Dependency")
        try await session.run { context in
            let store = dependencies(context)
            guard try await store.find(id, project: try await project(context, input.path.projectRef).id) != nil else {
                throw APIProblem.notFound("Dependency \(input.path.dependencyId)")
            }
            try await store.delete(id)
            try await audit(context, Operations.DeleteDependency.id, "dependency", id, changed: [])
        }
        return .noContent(.init())
    }

    func getSchedule(_ input: Operations.GetSchedule.Input) async throws -> Operations.GetSchedule.Output {
        let today = CalendarDate(utcDate: session.environment.now())
        let (schedule, titles) = try await session.run { context in
            let project = try await project(context, input.path.projectRef)
            let calendar = try await calendars(context).current().calendar
            let items = try await WorkItemStore(context.scope, projectID: project.id).networkItems()
            let links = try await dependencies(context).into(project: project.id)
            let outside = Set(links.map(\.predecessorID)).subtracting(items.map(\.id))
            let external = try await WorkItemStore.networkItems(Array(outside), in: context.scope)
            let start = project.fields.plannedStart ?? items.compactMap(\.plannedStart).min() ?? today
            let network = (items + external).map {
                ScheduleItem(id: $0.id, durationDays: $0.durationDays, notBefore: $0.plannedStart)
            }
            // The longest path is at most every duration and lag end to end: bounded, so the
            // working-day tables the pass builds stay small.
            let span = network.reduce(0) { $0 + $1.durationDays } + links.reduce(0) { $0 + max(0, $1.lagDays) }
            guard span <= 200_000 else {
                throw APIProblem(status: 422, type: "schedule-too-long", title: "Schedule too long",
                                 detail: "The project's durations and lags add up to \(span) working days; at most 200,000 can be scheduled.")
            }
            let schedule = try CriticalPath.schedule(
                items: network,
                dependencies: links.map { ScheduleDependency(predecessor: $0.predecessorID, successor: $0.successorID,
                                                             type: $0.type, lagDays: $0.lagDays) },
                projectStart: start, calendar: calendar)
            let own = Set(items.map(\.id))
            let titles = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0.title) })
            return (Schedule(items: schedule.items.filter { own.contains($0.id) }, start: schedule.start,
                             finish: schedule.items.filter { own.contains($0.id) }.map(\.earlyFinish).max() ?? schedule.start,
                             criticalItems: schedule.criticalItems.filter { own.contains($0) }), titles)
        }
        return .ok(.init(body: .json(.init(
            start: schedule.start.description, finish: schedule.finish.description,
            criticalPath: schedule.criticalItems.map(\.wire),
            items: schedule.items.map { item in
                .init(workItemId: item.id.wire, title: titles[item.id] ?? "",
                      earlyStart: item.earlyStart.description, earlyFinish: item.earlyFinish.description,
                      lateStart: item.lateStart.description, lateFinish: item.lateFinish.description,
                      totalFloat: item.totalFloat, freeFloat: item.freeFloat, critical: item.isCritical)
            }))))
    }

    static func resource(_ record: DependencyRecord) -> Components.Schemas.Dependency {
        Components.Schemas.Dependency(
            id: record.id.wire, predecessorId: record.predecessorID.wire, successorId: record.successorID.wire,
            _type: Components.Schemas.DependencyType(record.type), lagDays: record.lagDays,
            createdAt: record.createdAt)
    }

    /// The project the path names (404 when there is none in the tenant).
    func project(_ context: TenantSession.Context, _ projectRef: String) async throws -> ProjectRecord {
        guard let reference = ProjectReference(projectRef),
              let project = try await ProjectStore(context.scope).find(reference)
        else { throw APIProblem.notFound("Project \(projectRef)") }
        return project
    }

    /// Not a `ResourceKind`: dependencies have no version (no `ETag`, no conditional delete), and
    /// one belongs to a project through either of its ends.
    private func dependencies(_ context: TenantSession.Context) -> DependencyStore {
        DependencyStore(context.scope)
    }
}
