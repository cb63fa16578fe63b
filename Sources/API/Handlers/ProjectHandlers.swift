import APIDefinition
import Domain
import Foundation
import Persistence

extension APIHandler {
    func listProjects(_ input: Operations.ListProjects.Input) async throws -> Operations.ListProjects.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let status = input.query.status.flatMap { ProjectStatus(rawValue: $0.rawValue) }
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
                return try await store(context).list(status: status, programme: programme, custom: custom, after: cursor,
                                                     limit: limit + 1)
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
        var fields = try ProjectMapping.fields(from: body)
        let key = try Idempotency.validate(key: RequestScope.rawHeader("Idempotency-Key"))
        let operation = Operations.CreateProject.id
        return try await session.run { context in
            let hash = Idempotency.requestHash(operation: operation, body: context.rawBody)
            if let key, let stored = try await Idempotency.replay(key: key, operation: operation, hash: hash, in: context) {
                let project = try WireJSON.decoder.decode(Components.Schemas.Project.self, from: Data(stored.body))
                return .created(.init(headers: .init(location: stored.location, eTag: "\"\(project.version)\""),
                                      body: .json(project)))
            }
            let now = context.environment.now()
            fields.customFields = try await customFields(CustomFieldMapping.input(context.rawBody), current: [:],
                                                         entity: .project, at: "/customFields", context)
            let record = try await store(context).insert(id: context.environment.newID(), fields: fields, at: now)
            try await audit(context, "createProject", record.id, changed: ProjectFields.fieldNames)
            let resource = ProjectMapping.resource(record)
            let location = "/v1/projects/\(resource.id)"
            if let key {
                let stored = StoredResponse(operation: operation, requestHash: hash, status: 201,
                                            body: Array(try WireJSON.encoder.encode(resource)), location: location)
                try await IdempotencyStore(context.scope).save(stored, key: key, now: now)
            }
            return .created(.init(headers: .init(location: location, eTag: ProjectMapping.etag(record)),
                                  body: .json(resource)))
        }
    }

    func getProject(_ input: Operations.GetProject.Input) async throws -> Operations.GetProject.Output {
        guard let reference = ProjectReference(input.path.projectRef) else {
            throw APIProblem.notFound("Project \(input.path.projectRef)")
        }
        let record = try await session.read { publicID in
            ProjectStore.keyedFind(publicID: publicID, reference)
        } _: { rows in
            try rows.first.map { try ProjectStore.decode($0, from: KeyedRead.keyColumnCount) }
        }
        guard let record else { throw APIProblem.notFound("Project \(input.path.projectRef)") }
        return .ok(.init(headers: .init(eTag: ProjectMapping.etag(record)), body: .json(ProjectMapping.resource(record))))
    }

    func updateProject(_ input: Operations.UpdateProject.Input) async throws -> Operations.UpdateProject.Output {
        let patch: Components.Schemas.ProjectPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        guard let reference = ProjectReference(input.path.projectRef) else {
            throw APIProblem.notFound("Project \(input.path.projectRef)")
        }
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let record = try await session.run { context in
            let store = store(context)
            guard let current = try await store.find(reference, lock: true) else {
                throw APIProblem.notFound("Project \(input.path.projectRef)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            var next = try ProjectMapping.apply(patch, presence: JSONPresence(rawBody: context.rawBody), to: current.fields)
            next.customFields = try await customFields(CustomFieldMapping.input(context.rawBody), current: current.fields.customFields,
                                                       entity: .project, at: "/customFields", context)
            guard current.fields.status.canMove(to: next.status) else {
                throw IllegalStatusChange(from: current.fields.status, to: next.status)
            }
            let changed = next.changedFields(comparedTo: current.fields)
            guard !changed.isEmpty else { return current }
            let updated = try await store.update(id: current.id, fields: next, at: context.environment.now())
            try await audit(context, "updateProject", current.id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: ProjectMapping.etag(record)), body: .json(ProjectMapping.resource(record))))
    }

    func deleteProject(_ input: Operations.DeleteProject.Input) async throws -> Operations.DeleteProject.Output {
        guard let reference = ProjectReference(input.path.projectRef) else {
            throw APIProblem.notFound("Project \(input.path.projectRef)")
        }
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        try await session.run { context in
            let store = store(context)
            guard let current = try await store.find(reference, lock: true) else {
                throw APIProblem.notFound("Project \(input.path.projectRef)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            try await store.delete(id: current.id)
            try await audit(context, "deleteProject", current.id, changed: [])
        }
        return .noContent(.init())
    }

    private func store(_ context: TenantSession.Context) -> ProjectStore {
        ProjectStore(context.scope)
    }

    private func audit(_ context: TenantSession.Context, _ operation: String, _ id: UUID, changed: [String]) async throws {
        try await audit(context, operation, "project", id, changed: changed)
    }
}
