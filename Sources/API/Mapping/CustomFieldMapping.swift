import APIDefinition
import Domain
import Foundation
import OpenAPIRuntime
import Persistence

/// Custom field values between the wire (JSON objects read from the raw body, since the generated
/// types hold them untyped) and the domain.
enum CustomFieldMapping {
    static func container(_ values: [String: CustomFieldValue]) -> OpenAPIObjectContainer {
        let object: [String: (any Sendable)?] = values.mapValues { value -> (any Sendable)? in
            switch value {
            case .string(let text): text
            case .number(let number): number
            }
        }
        return (try? OpenAPIObjectContainer(unvalidatedValue: object)) ?? OpenAPIObjectContainer()
    }

    /// `key:value` filters as the values the custom fields must contain: 422 for a key the
    /// organisation has not defined or a value not of the field's type.
    static func filter(_ parameters: [String]?, definitions: [String: CustomFieldDefinition]) throws -> [String: CustomFieldValue]? {
        guard let parameters, !parameters.isEmpty else { return nil }
        var checks = FieldChecks()
        var filter: [String: CustomFieldValue] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let definition = definitions[String(parts[0])] else {
                checks.require(false, "/customField", "\(parameter.prefix(60)) names no custom field (key:value)")
                continue
            }
            let text = String(parts[1])
            let raw: Any = definition.type == .number ? (Double(text).map { NSNumber(value: $0) } ?? text as Any) : text
            if let value = CustomFields.parse(raw, as: definition, at: "/customField", &checks) { filter[definition.key] = value }
        }
        // Well-formed by the contract, wrong for this organisation's fields: 422, like a body's values.
        try checks.throwIfAny()
        return filter
    }
}

extension APIHandler {
    /// Applies a request's custom field values to `current`: unknown keys, wrong types and users who
    /// are not members are 422 at `pointer`.
    func customFields(_ input: [String: Any]?, current: [String: CustomFieldValue], entity: CustomFieldEntity,
                      at pointer: String, _ context: TenantSession.Context) async throws -> [String: CustomFieldValue] {
        try await customFields([(input, current, pointer)], entity: entity, context)[0]
    }

    /// The same for several resources at once (a bulk request): the definitions and the members are
    /// read once, and every error of every resource is reported together.
    func customFields(_ requests: [(input: [String: Any]?, current: [String: CustomFieldValue], pointer: String)],
                      entity: CustomFieldEntity, _ context: TenantSession.Context) async throws -> [[String: CustomFieldValue]] {
        guard requests.contains(where: { !($0.input?.isEmpty ?? true) }) else { return requests.map(\.current) }
        let definitions = try await CustomFieldStore(context.scope).definitions(for: entity)
        var checks = FieldChecks()
        var users: [(UUID, String)] = []
        let results = requests.map { request -> [String: CustomFieldValue] in
            guard let input = request.input, !input.isEmpty else { return request.current }
            let (values, named) = CustomFields.apply(input, to: request.current, definitions: definitions,
                                                     at: request.pointer, &checks)
            users += named
            return values
        }
        if !users.isEmpty {
            let known = try await MemberDirectory(context.scope).existing(Set(users.map(\.0)))
            for (id, at) in users where !known.contains(id) { checks.require(false, at, "names no member of this organisation") }
        }
        try checks.throwIfAny()
        return results
    }
}
