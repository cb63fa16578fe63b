import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// The project's WBS: work items in a tree, created one at a time or up to 1,000 at once.
extension APIHandler {
    /// Every field a work item's audit rows name, in their order.
    static let workItemFields: [AuditedField<WorkItemRecord>] = [
        .init("kind", \.fields.kind), .init("title", \.fields.title), .init("description", \.fields.description),
        .init("status", \.fields.status), .init("plannedStart", \.fields.plannedStart),
        .init("plannedFinish", \.fields.plannedFinish), .init("durationDays", \.fields.durationDays),
        .init("estimateHours", \.fields.estimateHours), .init("storyPoints", \.fields.storyPoints),
        .init("budgetedCost", \.fields.budgetedCost), .init("percentComplete", \.fields.percentComplete),
        .init("assigneeId", \.fields.assigneeID), .init("sprintId", \.fields.sprintID),
        .init("customFields", \.fields.customFields), .init("parentId", \.parentID),
    ]

    /// The work items of the project the path names; its store finds the project (404 when it is
    /// not the caller's). `lockingTreeForMove`: when the body names `parentId`, the store takes the
    /// project's tree lock too, before any item's row lock (the order every move takes them in).
    func workItemKind(_ projectRef: String,
                      lockingTreeForMove: Bool = false) -> ResourceKind<WorkItemStore, Components.Schemas.WorkItem> {
        ResourceKind(noun: "Work item", auditType: "work_item", fields: Self.workItemFields, store: { context in
            let store = WorkItemStore(context.scope, projectID: try await project(context, projectRef).id)
            if lockingTreeForMove, context.body.keys.contains("parentId") {
                try await store.lockTree()
            }
            return store
        }, render: WorkItemMapping.resource)
    }

    func listWorkItems(_ input: Operations.ListWorkItems.Input) async throws -> Operations.ListWorkItems.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        var checks = FieldChecks()
        let under = checks.uuid(input.query.under, at: "/under")
        let parent = checks.uuid(input.query.parentId, at: "/parentId")
        if !checks.errors.isEmpty { throw APIProblem.badRequest("under and parentId must be ids (UUID).", errors: checks.errors) }
        let status = input.query.status.map(WorkItemStatus.init)
        let page = try await session.run { context in
            let store = try await workItemKind(input.path.projectRef).store(context)
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
        let (created, etag) = try await create(
            workItemKind(input.path.projectRef), operation: Operations.CreateWorkItem.id,
            location: { "/v1/projects/\($0.projectID.wire)/work-items/\($0.id.wire)" }
        ) { context, store in
            try await WorkItemCreation(store).create([draft], customFields: [context.body.customFields],
                                                     newID: context.environment.newID, at: context.environment.now())[0]
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func createWorkItems(_ input: Operations.CreateWorkItems.Input) async throws -> Operations.CreateWorkItems.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        guard (1...1000).contains(body.items.count) else {
            throw ValidationFailure([FieldError(pointer: "/items", detail: "must hold 1–1,000 items")])
        }
        // Every failing item is named, whatever rule it breaks: these errors join the ones found
        // with the calendar and the database.
        var checks = FieldChecks()
        let drafts = body.items.enumerated().map { WorkItemMapping.draft($1, at: "/items/\($0)", &checks) }
        let early = checks.errors
        let kind = workItemKind(input.path.projectRef)
        let operation = Operations.CreateWorkItems.id
        // Not `create`: one response holds every item, each audited as a create.
        let created = try await idempotentCreate(operation) { context in
            let records = try await WorkItemCreation(try await kind.store(context)).create(
                drafts, customFields: context.body.customFields(ofItems: drafts.count), knownErrors: early,
                newID: context.environment.newID, at: context.environment.now())
            for record in records {
                try await audit(context, operation, kind.auditType, record.id, changed: kind.fields.map(\.name))
            }
            return Created(resource: Components.Schemas.WorkItemList(items: records.map(kind.render)), location: nil)
        }
        return .created(.init(body: .json(created.resource)))
    }

    func getWorkItem(_ input: Operations.GetWorkItem.Input) async throws -> Operations.GetWorkItem.Output {
        let (item, etag) = try await read(workItemKind(input.path.projectRef), input.path.itemId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(item)))
    }

    /// Not `update`: a move rewrites the subtree's paths (and the item's version) in a statement of
    /// its own, so a PATCH that only moves the item reads it back instead of writing it again.
    func updateWorkItem(_ input: Operations.UpdateWorkItem.Input) async throws -> Operations.UpdateWorkItem.Output {
        let patch: Components.Schemas.WorkItemPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let kind = workItemKind(input.path.projectRef, lockingTreeForMove: true)
        let id = try kind.id(input.path.itemId)
        let record = try await lockedWrite(kind, input.path.itemId, id) { context, store, current in
            let present = context.body.keys
            var checks = FieldChecks()
            let newParent = checks.uuid(patch.parentId, at: "/parentId")
            var next = current
            next.fields = WorkItemMapping.apply(patch, present: present, to: current.fields, &checks)
            try checks.throwIfAny()
            let datesTouched = !present.isDisjoint(with: ["plannedStart", "plannedFinish", "durationDays", "kind"])
            if datesTouched {
                next.fields = try next.fields.scheduled(on: try await calendars(context).current().calendar)
            } else {
                try next.fields.checked()
            }
            next.fields.customFields = try await CustomFieldApplying(context.scope).apply(
                CustomFieldInput(values: context.body.customFields, current: current.fields.customFields,
                                 pointer: "/customFields"), to: .workItem)
            if let assignee = next.fields.assigneeID, assignee != current.fields.assigneeID {
                try await MembershipCheck(context.scope).requireMembers([(id: assignee, pointer: "/assigneeId")])
            }
            let now = context.environment.now()
            if present.contains("parentId"), newParent != current.parentID {
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
                next.parentID = newParent
            }
            let changed = kind.changed(from: current, to: next)
            guard !changed.isEmpty else { return current }
            let saved: WorkItemRecord
            if next.fields != current.fields {
                saved = try await store.update(next, at: now)
            } else {
                guard let moved = try await store.find(id) else { throw MissingRow(table: WorkItemStore.table) }
                saved = moved
            }
            try await audit(context, Operations.UpdateWorkItem.id, kind.auditType, id, changed: changed)
            return saved
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)), body: .json(kind.render(record))))
    }

    func deleteWorkItem(_ input: Operations.DeleteWorkItem.Input) async throws -> Operations.DeleteWorkItem.Output {
        try await delete(workItemKind(input.path.projectRef), input.path.itemId, operation: Operations.DeleteWorkItem.id)
        return .noContent(.init())
    }
}

extension Components.Schemas.WorkItem: VersionedWire {}
