import APIDefinition
import Domain
import Foundation
import Persistence

/// Custom field definitions.
extension APIHandler {
    static let customField = ResourceKind<CustomFieldStore, Components.Schemas.CustomField>(
        noun: "Custom field", auditType: "custom_field",
        fields: [.init("entity", \.entity), .init("key", \.definition.key), .init("label", \.label),
                 .init("type", \.definition.type), .init("options", \.definition.options)],
        store: { CustomFieldStore($0.scope) }, render: resource)

    func listCustomFields(_ input: Operations.ListCustomFields.Input) async throws -> Operations.ListCustomFields.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let entity = input.query.entity.map(CustomFieldEntity.init)
        let page = try await session.run { context in
            try await customFieldStore(context).list(entity: entity, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.resource), nextCursor: next))))
    }

    func createCustomField(_ input: Operations.CreateCustomField.Input) async throws -> Operations.CreateCustomField.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let type = CustomFieldType(body._type)
        var checks = FieldChecks()
        checks.require(CustomFieldDefinition.isKey(body.key), "/key", "must be 1–40 of a–z, 0–9 and '_', starting with a letter")
        checks.requireName(body.label, at: "/label")
        let options = body.options ?? []
        CustomFieldRules.check(options, type: type, &checks)
        try checks.throwIfAny()
        let (created, etag) = try await create(Self.customField, operation: Operations.CreateCustomField.id,
                                               location: { "/v1/custom-fields/\($0.id.wire)" }) { context, store in
            let now = context.environment.now()
            return try await store.insert(CustomFieldRecord(
                id: context.environment.newID(), entity: CustomFieldEntity(body.entity), label: body.label,
                definition: CustomFieldDefinition(key: body.key, type: type, options: options), createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getCustomField(_ input: Operations.GetCustomField.Input) async throws -> Operations.GetCustomField.Output {
        let (field, etag) = try await read(Self.customField, input.path.fieldId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(field)))
    }

    func updateCustomField(_ input: Operations.UpdateCustomField.Input) async throws -> Operations.UpdateCustomField.Output {
        let patch: Components.Schemas.CustomFieldPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (field, etag) = try await update(Self.customField, input.path.fieldId,
                                             operation: Operations.UpdateCustomField.id) { _, current, _ in
            var next = current
            var checks = FieldChecks()
            if let label = patch.label {
                checks.requireName(label, at: "/label")
                next.label = label
            }
            if let options = patch.options {
                CustomFieldRules.check(options, type: current.definition.type, &checks)
                next.definition.options = options
            }
            try checks.throwIfAny()
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(field)))
    }

    /// `lockedWrite`, not `delete`: the field's values go first, with the definition.
    func deleteCustomField(_ input: Operations.DeleteCustomField.Input) async throws -> Operations.DeleteCustomField.Output {
        let kind = Self.customField
        let id = try kind.id(input.path.fieldId)
        try await lockedWrite(kind, input.path.fieldId, id) { context, store, current in
            try await store.delete(current)
            try await audit(context, Operations.DeleteCustomField.id, kind.auditType, id, changed: [])
        }
        return .noContent(.init())
    }


    static func resource(_ record: CustomFieldRecord) -> Components.Schemas.CustomField {
        Components.Schemas.CustomField(
            id: record.id.wire, entity: .init(record.entity), key: record.definition.key,
            label: record.label, _type: .init(record.definition.type), options: record.definition.options,
            createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    func customFieldStore(_ context: TenantSession.Context) -> CustomFieldStore {
        CustomFieldStore(context.scope)
    }
}

extension Components.Schemas.CustomField: VersionedWire {}
