import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// Projects, named by id or by their per-tenant code.
extension APIHandler {
    static let project = ResourceKind<ProjectStore, Components.Schemas.Project>(
        noun: "Project", auditType: "project",
        fields: [.init("code", \.fields.code), .init("name", \.fields.name), .init("methodology", \.fields.methodology),
                 .init("phase", \.fields.phase), .init("status", \.fields.status), .init("sponsor", \.fields.sponsor),
                 .init("manager", \.fields.manager), .init("plannedStart", \.fields.plannedStart),
                 .init("plannedFinish", \.fields.plannedFinish), .init("budgetAtCompletion", \.fields.budgetAtCompletion),
                 .init("currency", \.fields.currency), .init("programmeId", \.fields.programmeID),
                 .init("customFields", \.fields.customFields)],
        store: { ProjectStore($0.scope) }, render: ProjectMapping.resource)

    func listProjects(_ input: Operations.ListProjects.Input) async throws -> Operations.ListProjects.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let status = input.query.status.map(ProjectStatus.init)
        var checks = FieldChecks()
        let programme = checks.uuid(input.query.programmeId, at: "/programmeId")
        if !checks.errors.isEmpty { throw APIProblem.badRequest("programmeId must be an id (UUID).", errors: checks.errors) }
        // One row more than the page tells whether another page follows.
        let page: [ProjectRecord]
        if let filters = input.query.customField, !filters.isEmpty {
            // The filter's values are typed by the field definitions: read them first, in one transaction.
            page = try await session.run { context in
                let definitions = try await customFieldStore(context).definitions(for: .project)
                let custom = try CustomFieldMapping.filter(filters, definitions: definitions) ?? [:]
                return try await Self.project.store(context).list(status: status, programme: programme, custom: custom,
                                                                  after: cursor, limit: limit + 1)
            }
        } else {
            page = try await session.read { publicID in
                ProjectStore.keyedList(publicID: publicID, status: status, programme: programme, after: cursor, limit: limit + 1)
            } _: { rows in
                try rows.map { try ProjectStore.decode($0, from: KeyedRead.keyColumnCount) }
            }
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(ProjectMapping.resource), nextCursor: next))))
    }

    func createProject(_ input: Operations.CreateProject.Input) async throws -> Operations.CreateProject.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let fields = try ProjectMapping.fields(from: body)
        let (created, etag) = try await create(Self.project, operation: Operations.CreateProject.id,
                                               location: { "/v1/projects/\($0.id.wire)" }) { context, store in
            var fields = fields
            if fields.status.isOpen {
                try await QuotaGuard(context.scope).require(.activeProjects, today: CalendarDate(utcDate: context.environment.now()))
            }
            fields.customFields = try await CustomFieldApplying(context.scope).apply(
                CustomFieldInput(values: context.body.customFields, current: [:], pointer: "/customFields"), to: .project)
            return try await store.insert(id: context.environment.newID(), fields: fields, at: context.environment.now())
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    /// One keyed statement (see `KeyedRead`), not `read`: a project is named by id or by code.
    func getProject(_ input: Operations.GetProject.Input) async throws -> Operations.GetProject.Output {
        guard let reference = ProjectReference(input.path.projectRef) else { throw Self.project.notFound(input.path.projectRef) }
        let record = try await session.read { publicID in
            ProjectStore.keyedFind(publicID: publicID, reference)
        } _: { rows in
            try rows.first.map { try ProjectStore.decode($0, from: KeyedRead.keyColumnCount) }
        }
        guard let record else { throw Self.project.notFound(input.path.projectRef) }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(Self.project.render(record))))
    }

    func updateProject(_ input: Operations.UpdateProject.Input) async throws -> Operations.UpdateProject.Output {
        let patch: Components.Schemas.ProjectPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let record = try await lockedProject(input.path.projectRef) { context, store, current in
            var next = current
            next.fields = try ProjectMapping.apply(patch, present: context.body.keys, to: current.fields)
            next.fields.customFields = try await CustomFieldApplying(context.scope).apply(
                CustomFieldInput(values: context.body.customFields, current: current.fields.customFields,
                                 pointer: "/customFields"), to: .project)
            guard current.fields.status.canMove(to: next.fields.status) else {
                throw IllegalStatusChange(from: current.fields.status, to: next.fields.status)
            }
            let changed = Self.project.changed(from: current, to: next)
            guard !changed.isEmpty else { return current }
            let updated = try await store.update(next, at: context.environment.now())
            try await audit(context, Operations.UpdateProject.id, Self.project.auditType, current.id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(Self.project.render(record))))
    }

    func deleteProject(_ input: Operations.DeleteProject.Input) async throws -> Operations.DeleteProject.Output {
        try await lockedProject(input.path.projectRef) { context, store, current in
            try await store.delete(current.id)
            try await audit(context, Operations.DeleteProject.id, Self.project.auditType, current.id, changed: [])
        }
        return .noContent(.init())
    }

    /// `conditionalWrite` for a project named by id or by code (`lockedWrite(kind, …)` takes ids only).
    private func lockedProject<Result: Sendable>(
        _ projectRef: String, _ work: @escaping (TenantSession.Context, ProjectStore, ProjectRecord) async throws -> Result
    ) async throws -> Result {
        guard let reference = ProjectReference(projectRef) else { throw Self.project.notFound(projectRef) }
        return try await conditionalWrite(missing: Self.project.notFound(projectRef), find: { context in
            let store = try await Self.project.store(context)
            return try await store.find(reference, lock: true).map { (store, $0) }
        }, version: { $0.1.version }) { context, found in
            try await work(context, found.0, found.1)
        }
    }
}

extension Components.Schemas.Project: VersionedWire {}
