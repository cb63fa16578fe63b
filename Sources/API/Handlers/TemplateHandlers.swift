import APIDefinition
import Domain
import Foundation
import Persistence

/// The methodology library: platform templates, the organisation's own, and projects
/// made from them.
extension APIHandler {
    func listTemplates(_ input: Operations.ListTemplates.Input) async throws -> Operations.ListTemplates.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in try await templates(context).libraryPage(after: cursor, limit: limit + 1) }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.resource), nextCursor: next))))
    }

    func createTemplate(_ input: Operations.CreateTemplate.Input) async throws -> Operations.CreateTemplate.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        checks.requireText(body.description, maxLength: 10_000, at: "/description")
        try checks.throwIfAny()
        let content = Self.content(body.content)
        try content.validate()
        let created = try await idempotentCreate(Operations.CreateTemplate.id) { context in
            let record = try await templates(context).insert(TemplateRecord(
                id: context.environment.newID(), name: body.name, description: body.description,
                methodology: body.methodology.map(Methodology.init) ?? .predictive,
                isPlatform: false, content: content, createdAt: context.environment.now()))
            try await audit(context, Operations.CreateTemplate.id, "template", record.id,
                            changed: ["name", "description", "methodology", "content"])
            return Created(resource: Self.resource(record), location: "/v1/templates/\(record.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location), body: .json(created.resource)))
    }

    func getTemplate(_ input: Operations.GetTemplate.Input) async throws -> Operations.GetTemplate.Output {
        let id = try Self.resourceID(input.path.templateId, "Template")
        let record = try await session.run { context in try await templates(context).library(id) }
        guard let record else { throw APIProblem.notFound("Template \(input.path.templateId)") }
        return .ok(.init(body: .json(Self.resource(record))))
    }

    func deleteTemplate(_ input: Operations.DeleteTemplate.Input) async throws -> Operations.DeleteTemplate.Output {
        let id = try Self.resourceID(input.path.templateId, "Template")
        try await session.run { context in
            let store = templates(context)
            guard let record = try await store.library(id) else { throw APIProblem.notFound("Template \(input.path.templateId)") }
            try await store.delete(record)
            try await audit(context, Operations.DeleteTemplate.id, "template", id, changed: [])
        }
        return .noContent(.init())
    }

    func createProjectFromTemplate(_ input: Operations.CreateProjectFromTemplate.Input) async throws -> Operations.CreateProjectFromTemplate.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let templateID = checks.uuid(body.templateId, at: "/templateId")
        let start = CalendarDate(body.startDate)
        checks.require(start != nil, "/startDate", "must be a calendar date YYYY-MM-DD")
        let programme = checks.uuid(body.programmeId, at: "/programmeId")
        try checks.throwIfAny()
        guard let templateID, let start else { throw APIProblem.internalError }
        let created = try await idempotentCreate(Operations.CreateProjectFromTemplate.id) { context in
            guard let template = try await templates(context).library(templateID) else {
                throw ValidationFailure([FieldError(pointer: "/templateId", detail: "names no template")])
            }
            try template.content.validate()
            let calendar = try await calendars(context).current().calendar
            let plan = try TemplatePlan(template.content, start: start, calendar: calendar)
            var fields = ProjectFields(code: body.code, name: body.name, methodology: template.methodology, phase: .initiating,
                                       status: .proposed, sponsor: body.sponsor, manager: body.manager, plannedStart: start,
                                       plannedFinish: plan.entries.compactMap(\.fields.plannedFinish).max(),
                                       budgetAtCompletion: 0, currency: body.currency, programmeID: programme)
            fields.budgetAtCompletion = plan.entries.filter { !$0.key.hasPrefix("phase:") }.reduce(0) { $0 + $1.fields.budgetedCost }
            try fields.validate()
            let now = context.environment.now()
            try await QuotaGuard(context.scope).require(.activeProjects, today: CalendarDate(utcDate: now))
            let project = try await Self.project.store(context).insert(id: context.environment.newID(), fields: fields, at: now)
            var ids: [String: UUID] = [:]
            var paths: [String: String] = [:]
            var items: [NewWorkItem] = []
            for entry in plan.entries {
                let id = context.environment.newID()
                let parentPath = entry.parentKey.flatMap { paths[$0] }
                ids[entry.key] = id
                let path = NewWorkItem.path(for: id, under: parentPath)
                paths[entry.key] = path
                items.append(NewWorkItem(id: id, parentID: entry.parentKey.flatMap { ids[$0] }, path: path, fields: entry.fields))
            }
            _ = try await WorkItemStore(context.scope, projectID: project.id).insert(items, at: now)
            let links = plan.dependencies.compactMap { link -> ScheduleDependency? in
                guard let from = ids[link.predecessorKey], let to = ids[link.successorKey],
                      let type = DependencyType(rawValue: link.type) else { return nil }
                return ScheduleDependency(predecessor: from, successor: to, type: type, lagDays: link.lagDays)
            }
            try await DependencyStore(context.scope)
                .insertChecked(links, ids: links.map { _ in context.environment.newID() }, at: now)
            try await audit(context, Operations.CreateProjectFromTemplate.id, Self.project.auditType, project.id,
                            changed: Self.project.fields.map(\.name) + ["templateId"])
            return Created(resource: Self.project.render(project), location: "/v1/projects/\(project.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    static func resource(_ record: TemplateRecord) -> Components.Schemas.Template {
        let c = record.content
        return Components.Schemas.Template(
            id: record.id.wire, name: record.name, description: record.description,
            methodology: Components.Schemas.Methodology(record.methodology),
            scope: record.isPlatform ? .platform : .organisation,
            content: .init(
                phases: c.phases,
                items: c.items.map {
                    .init(key: $0.key, title: $0.title, kind: Components.Schemas.WorkItemKind(rawValue: $0.kind) ?? .task,
                          parentKey: $0.parentKey, phase: $0.phase, offsetDays: $0.offsetDays, durationDays: $0.durationDays,
                          budgetedCost: $0.budgetedCost)
                },
                dependencies: c.dependencies.map {
                    .init(predecessorKey: $0.predecessorKey, successorKey: $0.successorKey,
                          _type: Components.Schemas.DependencyType(rawValue: $0.type), lagDays: $0.lagDays)
                },
                riskCategories: c.riskCategories),
            createdAt: record.createdAt)
    }

    static func content(_ wire: Components.Schemas.TemplateContent) -> TemplateContent {
        TemplateContent(
            phases: wire.phases,
            items: wire.items.map {
                .init(key: $0.key, title: $0.title, kind: $0.kind.rawValue, parentKey: $0.parentKey, phase: $0.phase,
                      offsetDays: $0.offsetDays, durationDays: $0.durationDays, budgetedCost: $0.budgetedCost ?? 0)
            },
            dependencies: (wire.dependencies ?? []).map {
                .init(predecessorKey: $0.predecessorKey, successorKey: $0.successorKey, type: $0._type?.rawValue ?? "FS",
                      lagDays: $0.lagDays ?? 0)
            },
            riskCategories: wire.riskCategories ?? [])
    }

    /// Not a `ResourceKind`: templates have no version (no `ETag`, no conditional delete), and the
    /// library holds the platform's templates as well as the tenant's.
    private func templates(_ context: TenantSession.Context) -> TemplateStore {
        TemplateStore(context.scope)
    }
}
