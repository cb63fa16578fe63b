public import Domain
public import Foundation
public import Persistence

/// One work item of a create request, before the tenant's calendar completes its dates.
public struct WorkItemDraft: Sendable {
    public var fields: WorkItemFields
    /// An existing item of the project to nest under.
    public var parentID: UUID?
    /// An earlier item of the same request to nest under (bulk creation only).
    public var parentIndex: Int?
    /// Where the item sits in the request ("" for a single create, "/items/3" in a bulk one), so
    /// every refusal names it.
    public var pointer: String

    public init(fields: WorkItemFields, parentID: UUID?, parentIndex: Int?, pointer: String) {
        self.fields = fields
        self.parentID = parentID
        self.parentIndex = parentIndex
        self.pointer = pointer
    }
}

/// Creating work items in one project, one or a thousand alike, all in the caller's transaction:
/// each draft's dates are completed with the tenant's calendar, its custom fields applied, its
/// parent resolved (an existing item of the project, or an earlier draft), its sprint and its
/// assignee checked; then all are inserted in one statement. Every refusal of every draft is
/// reported together, ordered by draft, and nothing is written unless all are good.
public struct WorkItemCreation: Sendable {
    let store: WorkItemStore
    var scope: TenantScope { store.scope }
    public init(_ store: WorkItemStore) { self.store = store }

    /// `customFields[i]` is the custom field object of `drafts[i]`; `knownErrors` are refusals the
    /// caller found already (the wire fields), reported with the rest.
    public func create(_ drafts: [WorkItemDraft], customFields: [[String: Any]?], knownErrors: [FieldError] = [],
                       newID: () -> UUID, at now: Date) async throws -> [WorkItemRecord] {
        var errors = knownErrors
        for (index, draft) in drafts.enumerated() {
            if let parent = draft.parentIndex, !(0..<index).contains(parent) {
                errors.append(FieldError(pointer: draft.pointer + "/parentIndex", detail: "must be the index of an earlier item"))
            }
        }
        let calendar = try await CalendarStore(scope).current().calendar
        var custom = drafts.map { _ in [String: CustomFieldValue]() }
        try await ValidationFailure.collect(into: &errors) {
            custom = try await CustomFieldApplying(scope).apply(
                zip(drafts, customFields).map { CustomFieldInput(values: $1, current: [:], pointer: $0.pointer + "/customFields") },
                to: .workItem)
        }
        var fields: [WorkItemFields] = []
        for (index, draft) in drafts.enumerated() {
            var item = draft.fields
            item.customFields = custom[index]
            do {
                fields.append(try item.scheduled(on: calendar, at: draft.pointer))
            } catch {
                errors += error.errors
                fields.append(item)
            }
        }
        let items = try await placed(drafts, fields, ids: drafts.map { _ in newID() }, &errors)
        try await checkSprints(of: items, drafts, &errors)
        let assigned = zip(items, drafts).compactMap { item, draft in
            item.fields.assigneeID.map { (id: $0, pointer: draft.pointer + "/assigneeId") }
        }
        try await ValidationFailure.collect(into: &errors) { try await MembershipCheck(scope).requireMembers(assigned) }
        guard errors.isEmpty else { throw ValidationFailure(Self.inDraftOrder(errors)) }
        return try await store.insert(items, at: now)
    }

    /// Each draft placed in the tree: its parent's path (locking the project's tree first when an
    /// existing item is named, as every move does) and the depth limit.
    private func placed(_ drafts: [WorkItemDraft], _ fields: [WorkItemFields], ids: [UUID],
                        _ errors: inout [FieldError]) async throws -> [NewWorkItem] {
        let named = Array(Set(drafts.compactMap(\.parentID)))
        if !named.isEmpty { try await store.lockTree() }
        let existingParents = try await store.paths(of: named)
        var items: [NewWorkItem] = []
        for (index, draft) in drafts.enumerated() {
            var parentID: UUID?
            var parentPath: String?
            if let parent = draft.parentID {
                if let path = existingParents[parent] {
                    (parentID, parentPath) = (parent, path)
                } else {
                    errors.append(FieldError(pointer: draft.pointer + "/parentId", detail: "names no work item of this project"))
                }
            } else if let parentIndex = draft.parentIndex, (0..<index).contains(parentIndex) {
                (parentID, parentPath) = (ids[parentIndex], items[parentIndex].path)
            }
            let path = NewWorkItem.path(for: ids[index], under: parentPath)
            if NewWorkItem.depth(of: path) > NewWorkItem.maximumDepth {
                errors.append(FieldError(pointer: draft.pointer + "/parentId",
                                         detail: "would nest the item deeper than \(NewWorkItem.maximumDepth) levels"))
            }
            items.append(NewWorkItem(id: ids[index], parentID: parentID, path: path, fields: fields[index]))
        }
        return items
    }

    /// A planned item's sprint must be one of the project's.
    private func checkSprints(of items: [NewWorkItem], _ drafts: [WorkItemDraft], _ errors: inout [FieldError]) async throws {
        let planned = zip(items, drafts).compactMap { item, draft in item.fields.sprintID.map { ($0, draft.pointer) } }
        guard !planned.isEmpty else { return }
        let sprints = try await SprintStore(scope, projectID: store.projectID).existing(Array(Set(planned.map(\.0))))
        errors += planned.filter { !sprints.contains($0.0) }.map {
            FieldError(pointer: $0.1 + "/sprintId", detail: "names no sprint of this project")
        }
    }

    /// Errors sorted by the draft they name (`/items/<index>/...`), in the order found within one draft.
    static func inDraftOrder(_ errors: [FieldError]) -> [FieldError] {
        func index(_ error: FieldError) -> Int {
            let parts = error.pointer.split(separator: "/")
            return parts.count > 1 && parts[0] == "items" ? Int(parts[1]) ?? -1 : -1
        }
        return errors.enumerated().sorted { (index($0.element), $0.offset) < (index($1.element), $1.offset) }.map(\.element)
    }
}
