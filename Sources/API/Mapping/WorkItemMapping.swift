import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// Between the generated wire types and work items.
enum WorkItemMapping {
    static func resource(_ record: WorkItemRecord) -> Components.Schemas.WorkItem {
        let f = record.fields
        return Components.Schemas.WorkItem(
            id: record.id.wire, projectId: record.projectID.wire,
            parentId: record.parentID?.wire, depth: record.depth,
            kind: Components.Schemas.WorkItemKind(f.kind), title: f.title,
            description: f.description, status: Components.Schemas.WorkItemStatus(f.status),
            plannedStart: f.plannedStart?.description, plannedFinish: f.plannedFinish?.description,
            durationDays: f.durationDays, estimateHours: f.estimateHours, storyPoints: f.storyPoints,
            budgetedCost: f.budgetedCost, percentComplete: f.percentComplete,
            assigneeId: f.assigneeID?.wire, sprintId: f.sprintID?.wire,
            completedOn: record.completedOn?.description, customFields: .init(additionalProperties: CustomFieldMapping.container(f.customFields)),
            createdAt: record.createdAt,
            updatedAt: record.updatedAt, version: record.version)
    }

    /// One item of a create request (the generated types of a single create and of a bulk entry
    /// carry the same fields).
    static func draft(_ body: Components.Schemas.WorkItemCreate, at pointer: String, _ checks: inout FieldChecks) -> WorkItemDraft {
        WorkItemDraft(fields: fields(title: body.title, kind: body.kind, description: body.description, status: body.status,
                                     plannedStart: body.plannedStart, plannedFinish: body.plannedFinish,
                                     durationDays: body.durationDays, estimateHours: body.estimateHours,
                                     storyPoints: body.storyPoints, budgetedCost: body.budgetedCost,
                                     percentComplete: body.percentComplete, assigneeId: body.assigneeId,
                                     sprintId: body.sprintId, at: pointer, &checks),
                      parentID: checks.uuid(body.parentId, at: pointer + "/parentId"), parentIndex: nil, pointer: pointer)
    }

    static func draft(_ body: Components.Schemas.WorkItemBulkEntry, at pointer: String, _ checks: inout FieldChecks) -> WorkItemDraft {
        checks.require(body.parentId == nil || body.parentIndex == nil, pointer + "/parentIndex",
                       "give parentId or parentIndex, not both")
        return WorkItemDraft(fields: fields(title: body.title, kind: body.kind, description: body.description, status: body.status,
                                            plannedStart: body.plannedStart, plannedFinish: body.plannedFinish,
                                            durationDays: body.durationDays, estimateHours: body.estimateHours,
                                            storyPoints: body.storyPoints, budgetedCost: body.budgetedCost,
                                            percentComplete: body.percentComplete, assigneeId: body.assigneeId,
                                            sprintId: body.sprintId, at: pointer, &checks),
                             parentID: checks.uuid(body.parentId, at: pointer + "/parentId"),
                             parentIndex: body.parentIndex, pointer: pointer)
    }

    private static func fields(
        title: String, kind: Components.Schemas.WorkItemKind?, description: String?,
        status: Components.Schemas.WorkItemStatus?, plannedStart: String?, plannedFinish: String?, durationDays: Int?,
        estimateHours: Double?, storyPoints: Int?, budgetedCost: Int64?, percentComplete: Int?, assigneeId: String?,
        sprintId: String?, at pointer: String, _ checks: inout FieldChecks
    ) -> WorkItemFields {
        WorkItemFields(
            kind: kind.map(WorkItemKind.init) ?? .task, title: title, description: description,
            status: status.map(WorkItemStatus.init) ?? .notStarted,
            plannedStart: checks.date(plannedStart, at: pointer + "/plannedStart"),
            plannedFinish: checks.date(plannedFinish, at: pointer + "/plannedFinish"), durationDays: durationDays,
            estimateHours: estimateHours, storyPoints: storyPoints, budgetedCost: budgetedCost ?? 0,
            percentComplete: percentComplete ?? 0,
            assigneeID: checks.uuid(assigneeId, at: pointer + "/assigneeId"),
            sprintID: checks.uuid(sprintId, at: pointer + "/sprintId"))
    }

    /// Applies a merge patch. Of start, finish and duration, the one the calendar should derive
    /// again is cleared: a new start keeps the duration (the finish moves), a new finish or a new
    /// duration recomputes the other.
    static func apply(_ patch: Components.Schemas.WorkItemPatch, present keys: Set<String>, to current: WorkItemFields,
                      _ checks: inout FieldChecks) -> WorkItemFields {
        var next = current
        if let title = patch.title { next.title = title }
        if let kind = patch.kind { next.kind = WorkItemKind(kind) }
        if let status = patch.status { next.status = WorkItemStatus(status) }
        if let cost = patch.budgetedCost { next.budgetedCost = cost }
        if let percent = patch.percentComplete { next.percentComplete = percent }
        if keys.contains("description") { next.description = patch.description }
        if keys.contains("estimateHours") { next.estimateHours = patch.estimateHours }
        if keys.contains("storyPoints") { next.storyPoints = patch.storyPoints }
        if keys.contains("assigneeId") { next.assigneeID = checks.uuid(patch.assigneeId, at: "/assigneeId") }
        if keys.contains("sprintId") { next.sprintID = checks.uuid(patch.sprintId, at: "/sprintId") }
        let start = keys.contains("plannedStart"), finish = keys.contains("plannedFinish")
        let duration = keys.contains("durationDays")
        if start { next.plannedStart = checks.date(patch.plannedStart, at: "/plannedStart") }
        if finish { next.plannedFinish = checks.date(patch.plannedFinish, at: "/plannedFinish") }
        if duration { next.durationDays = patch.durationDays }
        if start && !finish && !duration && current.durationDays != nil { next.plannedFinish = nil }
        if finish && !duration { next.durationDays = nil }
        if duration && !finish { next.plannedFinish = nil }
        return next
    }
}
