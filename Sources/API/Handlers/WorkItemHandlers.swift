import APIDefinition
import Domain
import Foundation
import Persistence

/// The project's WBS: work items in a tree, created one at a time or up to 1,000 at once.
extension APIHandler {
    func listWorkItems(_ input: Operations.ListWorkItems.Input) async throws -> Operations.ListWorkItems.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var checks = FieldChecks()
        let under = checks.uuid(input.query.under, at: "/under")
        let parent = checks.uuid(input.query.parentId, at: "/parentId")
        if !checks.errors.isEmpty { throw APIProblem.badRequest("under and parentId must be ids (UUID).", errors: checks.errors) }
        let status = input.query.status.flatMap { WorkItemStatus(rawValue: $0.rawValue) }
        let page = try await session.run { context in
            let store = try await workItems(context, input.path.projectRef)
            var path: String?
            if let under {
                guard let root = try await store.find(under) else { throw APIProblem.notFound("Work item \(under)") }
                path = root.path
            }
            var custom: [String: CustomFieldValue]?
            if let filters = input.query.customField, !filters.isEmpty {
                custom = try CustomFieldMapping.filter(filters, definitions: try await customFieldStore(context).definitions(for: .workItem))
            }
            return try await store.list(under: path, parent: parent, status: status, custom: custom, after: cursor,
                                        limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(WorkItemMapping.resource), nextCursor: next))))
    }

    func createWorkItem(_ input: Operations.CreateWorkItem.Input) async throws -> Operations.CreateWorkItem.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let draft = WorkItemMapping.draft(body, at: "", &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateWorkItem.id) { context in
            let record = try await insertWorkItems([draft], pointers: [""], customInputs: [CustomFieldMapping.input(context.rawBody)],
                                                   context, input.path.projectRef)[0]
            try await audit(context, "createWorkItem", "work_item", record.id, changed: WorkItemFields.fieldNames + ["parentId"])
            return Created(resource: WorkItemMapping.resource(record),
                           location: "/v1/projects/\(record.projectID.uuidString.lowercased())/work-items/\(record.id.uuidString.lowercased())")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func createWorkItems(_ input: Operations.CreateWorkItems.Input) async throws -> Operations.CreateWorkItems.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        guard (1...1000).contains(body.items.count) else {
            throw ValidationFailure([FieldError(pointer: "/items", detail: "must hold 1–1,000 items")])
        }
        // Every failing item is named, whatever rule it breaks: these errors join the ones found
        // with the calendar and the database.
        var checks = FieldChecks()
        let pointers = body.items.indices.map { "/items/\($0)" }
        let drafts = zip(body.items, pointers).map { WorkItemMapping.draft($0, at: $1, &checks) }
        for (index, draft) in drafts.enumerated() {
            if let parent = draft.parentIndex {
                checks.require((0..<index).contains(parent), pointers[index] + "/parentIndex", "must be the index of an earlier item")
            }
        }
        let early = checks.errors
        let created = try await idempotentCreate(Operations.CreateWorkItems.id) { context in
            let inputs = CustomFieldMapping.inputs(context.rawBody, count: drafts.count)
            let records = try await insertWorkItems(drafts, pointers: pointers, customInputs: inputs, context,
                                                    input.path.projectRef, knownErrors: early)
            for record in records {
                try await audit(context, "createWorkItems", "work_item", record.id, changed: WorkItemFields.fieldNames + ["parentId"])
            }
            return Created(resource: Components.Schemas.WorkItemList(items: records.map(WorkItemMapping.resource)), location: nil)
        }
        return .created(.init(body: .json(created.resource)))
    }

    func getWorkItem(_ input: Operations.GetWorkItem.Input) async throws -> Operations.GetWorkItem.Output {
        let id = try Self.resourceID(input.path.itemId, "Work item")
        let record = try await session.run { context in
            try await workItems(context, input.path.projectRef).find(id)
        }
        guard let record else { throw APIProblem.notFound("Work item \(input.path.itemId)") }
        return .ok(.init(headers: .init(eTag: WorkItemMapping.etag(record)), body: .json(WorkItemMapping.resource(record))))
    }

    func updateWorkItem(_ input: Operations.UpdateWorkItem.Input) async throws -> Operations.UpdateWorkItem.Output {
        let patch: Components.Schemas.WorkItemPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.itemId, "Work item")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let record = try await session.run { context in
            let presence = JSONPresence(rawBody: context.rawBody)
            var checks = FieldChecks()
            let newParent = checks.uuid(patch.parentId, at: "/parentId")
            let store = try await workItems(context, input.path.projectRef)
            if presence.keys.contains("parentId") { try await store.lockTree() }
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("Work item \(input.path.itemId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            var next = WorkItemMapping.apply(patch, presence: presence, to: current.fields, &checks)
            try checks.throwIfAny()
            let datesTouched = !presence.keys.isDisjoint(with: ["plannedStart", "plannedFinish", "durationDays", "kind"])
            next = try next.scheduled(on: try await calendars(context).current().calendar, keepingDates: !datesTouched)
            next.customFields = try await customFields(CustomFieldMapping.input(context.rawBody), current: current.fields.customFields,
                                                       entity: .workItem, at: "/customFields", context)
            if let assignee = next.assigneeID, assignee != current.fields.assigneeID {
                try await requireMembers([assignee], pointers: [""], context)
            }
            var changed = next.changedFields(comparedTo: current.fields)
            let now = context.environment.now()
            if presence.keys.contains("parentId"), newParent != current.parentID {
                var parent: WorkItemRecord?
                if let newParent {
                    guard let found = try await store.find(newParent) else {
                        throw UnknownParent(kind: "work item of this project", field: "parentId", id: newParent)
                    }
                    guard !current.contains(path: found.path) else {
                        throw ValidationFailure([FieldError(pointer: "/parentId",
                                                            detail: "is the item itself or one of its descendants")])
                    }
                    let deepest = NewWorkItem.depth(of: found.path) + 1 + (try await store.subtreeHeight(of: current))
                    guard deepest <= NewWorkItem.maximumDepth else {
                        throw ValidationFailure([FieldError(pointer: "/parentId",
                                                            detail: "would nest items deeper than \(NewWorkItem.maximumDepth) levels")])
                    }
                    parent = found
                }
                try await store.move(current, under: parent, at: now)
                changed.append("parentId")
            }
            guard !changed.isEmpty else { return current }
            var updated = current
            updated.fields = next
            let saved = next != current.fields ? try await store.update(updated, at: now) : try await store.find(id)!
            try await audit(context, "updateWorkItem", "work_item", id, changed: changed)
            return saved
        }
        return .ok(.init(headers: .init(eTag: WorkItemMapping.etag(record)), body: .json(WorkItemMapping.resource(record))))
    }

    func deleteWorkItem(_ input: Operations.DeleteWorkItem.Input) async throws -> Operations.DeleteWorkItem.Output {
        let id = try Self.resourceID(input.path.itemId, "Work item")
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        try await session.run { context in
            let store = try await workItems(context, input.path.projectRef)
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("Work item \(input.path.itemId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            try await store.delete(current)
            try await audit(context, "deleteWorkItem", "work_item", id, changed: [])
        }
        return .noContent(.init())
    }

    /// Completes each draft's dates with the tenant's calendar, resolves parents (existing items of
    /// the project, or earlier drafts), checks assignees, and inserts all in one statement. Every
    /// refusal names the item by its pointer, and nothing is written unless all are good.
    private func insertWorkItems(_ drafts: [WorkItemMapping.Draft], pointers: [String], customInputs: [[String: Any]?],
                                 _ context: TenantSession.Context, _ projectRef: String,
                                 knownErrors: [FieldError] = []) async throws -> [WorkItemRecord] {
        let store = try await workItems(context, projectRef)
        let calendar = try await calendars(context).current().calendar
        var errors = knownErrors
        var custom = drafts.map { _ in [String: CustomFieldValue]() }
        do {
            custom = try await customFields(zip(customInputs, pointers).map { ($0, [:], $1 + "/customFields") },
                                            entity: .workItem, context)
        } catch let failure as ValidationFailure {
            errors += failure.errors
        }
        var fields: [WorkItemFields] = []
        for (index, (draft, pointer)) in zip(drafts, pointers).enumerated() {
            var item = draft.fields
            item.customFields = custom[index]
            do {
                fields.append(try item.scheduled(on: calendar, at: pointer))
            } catch {
                errors += error.errors
                fields.append(item)
            }
        }
        let named = Array(Set(drafts.compactMap(\.parentID)))
        if !named.isEmpty { try await store.lockTree() }
        let existingParents = try await store.paths(of: named)
        let ids = drafts.map { _ in context.environment.newID() }
        var items: [NewWorkItem] = []
        for (index, draft) in drafts.enumerated() {
            var parentID: UUID?
            var parentPath: String?
            if let parent = draft.parentID {
                if let path = existingParents[parent] {
                    (parentID, parentPath) = (parent, path)
                } else {
                    errors.append(FieldError(pointer: pointers[index] + "/parentId", detail: "names no work item of this project"))
                }
            } else if let parentIndex = draft.parentIndex, (0..<index).contains(parentIndex) {
                (parentID, parentPath) = (ids[parentIndex], items[parentIndex].path)
            }
            let path = NewWorkItem.path(for: ids[index], under: parentPath)
            if NewWorkItem.depth(of: path) > NewWorkItem.maximumDepth {
                errors.append(FieldError(pointer: pointers[index] + "/parentId",
                                         detail: "would nest the item deeper than \(NewWorkItem.maximumDepth) levels"))
            }
            items.append(NewWorkItem(id: ids[index], parentID: parentID, path: path, fields: fields[index]))
        }
        let planned = items.enumerated().compactMap { index, item in item.fields.sprintID.map { ($0, pointers[index]) } }
        if !planned.isEmpty {
            let sprints = try await SprintStore(context.scope, projectID: store.projectID)
                .existing(Array(Set(planned.map(\.0))))
            errors += planned.filter { !sprints.contains($0.0) }.map {
                FieldError(pointer: $0.1 + "/sprintId", detail: "names no sprint of this project")
            }
        }
        let assigned = items.enumerated().compactMap { index, item in item.fields.assigneeID.map { ($0, pointers[index]) } }
        do {
            try await requireMembers(assigned.map(\.0), pointers: assigned.map(\.1), context)
        } catch let failure as ValidationFailure {
            errors += failure.errors
        }
        guard errors.isEmpty else { throw ValidationFailure(Self.inItemOrder(errors)) }
        return try await store.insert(items, at: context.environment.now())
    }

    /// Errors sorted by the item they name (`/items/<index>/...`), in the order found within one item.
    static func inItemOrder(_ errors: [FieldError]) -> [FieldError] {
        func index(_ error: FieldError) -> Int {
            let parts = error.pointer.split(separator: "/")
            return parts.count > 1 && parts[0] == "items" ? Int(parts[1]) ?? -1 : -1
        }
        return errors.enumerated().sorted { (index($0.element), $0.offset) < (index($1.element), $1.offset) }.map(\.element)
    }

    /// Every id names a member of the tenant; otherwise 422 at `<pointer>/assigneeId`.
    private func requireMembers(_ ids: [UUID], pointers: [String], _ context: TenantSession.Context) async throws {
        guard !ids.isEmpty else { return }
        let known = try await MemberDirectory(context.scope).existing(Set(ids))
        let errors = zip(ids, pointers).filter { !known.contains($0.0) }.map {
            FieldError(pointer: $0.1 + "/assigneeId", detail: "names no member of this organisation")
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    /// The work items of the project the path names (404 when there is no such project).
    func workItems(_ context: TenantSession.Context, _ projectRef: String) async throws -> WorkItemStore {
        WorkItemStore(context.scope,
                      projectID: try await project(context, projectRef).id)
    }
}
