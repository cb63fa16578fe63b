import APIDefinition
import Domain
import Foundation
import Persistence

/// Between the generated wire types and the domain's project types.
enum ProjectMapping {
    static func resource(_ record: ProjectRecord) -> Components.Schemas.Project {
        let f = record.fields
        return Components.Schemas.Project(
            id: record.id.wire, code: f.code, name: f.name,
            methodology: Components.Schemas.Methodology(f.methodology),
            phase: Components.Schemas.ProjectPhase(f.phase),
            status: Components.Schemas.ProjectStatus(f.status),
            sponsor: f.sponsor, manager: f.manager,
            plannedStart: f.plannedStart?.description, plannedFinish: f.plannedFinish?.description,
            budgetAtCompletion: f.budgetAtCompletion, currency: f.currency,
            programmeId: f.programmeID?.wire, customFields: .init(additionalProperties: CustomFieldMapping.container(f.customFields)),
            createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    /// The fields of a create request, with the defaults the contract documents.
    static func fields(from body: Components.Schemas.ProjectCreate) throws(ValidationFailure) -> ProjectFields {
        var checks = FieldChecks()
        let start = checks.date(body.plannedStart, at: "/plannedStart")
        let finish = checks.date(body.plannedFinish, at: "/plannedFinish")
        let programme = checks.uuid(body.programmeId, at: "/programmeId")
        try checks.throwIfAny()
        let fields = ProjectFields(
            code: body.code, name: body.name,
            methodology: body.methodology.map(Methodology.init) ?? .predictive,
            phase: body.phase.map(ProjectPhase.init) ?? .initiating,
            status: body.status.map(ProjectStatus.init) ?? .proposed,
            sponsor: body.sponsor, manager: body.manager, plannedStart: start, plannedFinish: finish,
            budgetAtCompletion: body.budgetAtCompletion ?? 0, currency: body.currency, programmeID: programme)
        try fields.validate()
        return fields
    }

    /// Applies a merge patch: absent keys keep their value, `null` clears a nullable field.
    /// `present` is the set of keys the body names (see `RequestBody`), `null` ones included, which
    /// the generated (Optional-based) type cannot tell apart from absent ones.
    static func apply(_ patch: Components.Schemas.ProjectPatch, present keys: Set<String>,
                      to current: ProjectFields) throws(ValidationFailure) -> ProjectFields {
        var checks = FieldChecks()
        var next = current
        if let code = patch.code { next.code = code }
        if let name = patch.name { next.name = name }
        if let value = patch.methodology { next.methodology = Methodology(value) }
        if let value = patch.phase { next.phase = ProjectPhase(value) }
        if let value = patch.status { next.status = ProjectStatus(value) }
        if let budget = patch.budgetAtCompletion { next.budgetAtCompletion = budget }
        if let currency = patch.currency { next.currency = currency }
        if keys.contains("sponsor") { next.sponsor = patch.sponsor }
        if keys.contains("manager") { next.manager = patch.manager }
        if keys.contains("plannedStart") { next.plannedStart = checks.date(patch.plannedStart, at: "/plannedStart") }
        if keys.contains("plannedFinish") { next.plannedFinish = checks.date(patch.plannedFinish, at: "/plannedFinish") }
        if keys.contains("programmeId") {
            next.programmeID = checks.uuid(patch.programmeId, at: "/programmeId")
        }
        try checks.throwIfAny()
        try next.validate()
        return next
    }
}
