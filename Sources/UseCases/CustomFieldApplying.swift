public import Domain
import Foundation
public import Persistence

/// One resource's custom field values as a request gave them: the JSON object as parsed (untyped:
/// its value types are what the tenant's definitions say), applied over `current`.
public struct CustomFieldInput {
    public var values: [String: Any]?
    public var current: [String: CustomFieldValue]
    /// Where the object sits in the request ("/customFields", "/items/3/customFields").
    public var pointer: String

    public init(values: [String: Any]?, current: [String: CustomFieldValue], pointer: String) {
        self.values = values
        self.current = current
        self.pointer = pointer
    }
}

/// Applies requests' custom field values against the tenant's definitions (docs/DOMAIN.md): a key
/// the tenant has not defined, a value of the wrong type and a user who is not a member are 422 at
/// the value's pointer. Several resources at once (a bulk request) read the definitions and the
/// members once, and every error of every resource is reported together.
public struct CustomFieldApplying: Sendable {
    let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public func apply(_ inputs: [CustomFieldInput], to entity: CustomFieldEntity) async throws -> [[String: CustomFieldValue]] {
        guard inputs.contains(where: { !($0.values?.isEmpty ?? true) }) else { return inputs.map(\.current) }
        let definitions = try await CustomFieldStore(scope).definitions(for: entity)
        var checks = FieldChecks()
        var users: [(id: UUID, pointer: String)] = []
        let results = inputs.map { input -> [String: CustomFieldValue] in
            guard let values = input.values, !values.isEmpty else { return input.current }
            let (applied, named) = CustomFields.apply(values, to: input.current, definitions: definitions,
                                                      at: input.pointer, &checks)
            users += named.map { (id: $0.0, pointer: $0.1) }
            return applied
        }
        var errors = checks.errors
        try await ValidationFailure.collect(into: &errors) { try await MembershipCheck(scope).requireMembers(users) }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        return results
    }

    /// One resource's values.
    public func apply(_ input: CustomFieldInput, to entity: CustomFieldEntity) async throws -> [String: CustomFieldValue] {
        try await apply([input], to: entity)[0]
    }
}
