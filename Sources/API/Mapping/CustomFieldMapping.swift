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
