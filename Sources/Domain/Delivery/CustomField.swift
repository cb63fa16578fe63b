public import Foundation

/// Which resource a custom field belongs to.
public enum CustomFieldEntity: String, CaseIterable, Sendable {
    case project
    case workItem = "work_item"
}

public enum CustomFieldType: String, CaseIterable, Sendable {
    case text
    case number
    case date
    case enumeration = "enum"
    /// A member of the organisation, by id.
    case user
}

/// A field an organisation adds to its projects or work items.
public struct CustomFieldDefinition: Equatable, Sendable {
    public var key: String
    public var type: CustomFieldType
    /// The allowed values of an `enum` field.
    public var options: [String]

    public init(key: String, type: CustomFieldType, options: [String] = []) {
        self.key = key
        self.type = type
        self.options = options
    }

    /// A key as it appears in JSON and in filters: 1–40 of a–z, 0–9 and '_', starting with a letter.
    public static func isKey(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...40).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }
}

/// A stored custom field value: text, enum, date and user values are strings, numbers are numbers.
public enum CustomFieldValue: Equatable, Sendable, Codable {
    case string(String)
    case number(Double)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        }
    }

    /// The value as JSONSerialization writes it.
    public var json: Any {
        switch self {
        case .string(let text): text
        case .number(let number): number
        }
    }
}

/// Custom field values checked against the organisation's definitions.
public enum CustomFields {
    /// Applies `input` (a JSON object's values as JSONSerialization reads them; `NSNull` removes a
    /// value) to `current`. Unknown keys and values of the wrong type are field errors under
    /// `pointer` (e.g. "/customFields"); the user ids to check against the members are returned with
    /// their pointers.
    public static func apply(_ input: [String: Any], to current: [String: CustomFieldValue],
                             definitions: [String: CustomFieldDefinition], at pointer: String,
                             _ checks: inout FieldChecks) -> (values: [String: CustomFieldValue], users: [(UUID, String)]) {
        var values = current
        var users: [(UUID, String)] = []
        for (key, raw) in input.sorted(by: { $0.key < $1.key }) {
            let at = pointer + "/" + key
            guard let definition = definitions[key] else {
                checks.require(false, at, "is no custom field of this organisation")
                continue
            }
            if raw is NSNull {
                values[key] = nil
                continue
            }
            guard let value = parse(raw, as: definition, at: at, &checks) else { continue }
            if definition.type == .user, case .string(let text) = value, let id = UUID(uuidString: text) {
                users.append((id, at))
            }
            values[key] = value
        }
        return (values, users)
    }

    /// One value in the definition's type, or nil after recording why not.
    public static func parse(_ raw: Any, as definition: CustomFieldDefinition, at pointer: String,
                             _ checks: inout FieldChecks) -> CustomFieldValue? {
        switch definition.type {
        case .number:
            guard let number = raw as? NSNumber, !(raw is Bool), number.doubleValue.isFinite,
                  abs(number.doubleValue) <= 1e15
            else {
                checks.require(false, pointer, "must be a number")
                return nil
            }
            return .number(number.doubleValue)
        case .text:
            guard let text = raw as? String, !text.isEmpty, text.unicodeScalars.count <= 2000, !text.unicodeScalars.contains("\u{0}")
            else {
                checks.require(false, pointer, "must be text of 1–2,000 characters without NUL")
                return nil
            }
            return .string(text)
        case .date:
            guard let text = raw as? String, let date = CalendarDate(text) else {
                checks.require(false, pointer, "must be a calendar date YYYY-MM-DD")
                return nil
            }
            return .string(date.description)
        case .enumeration:
            guard let text = raw as? String, definition.options.contains(text) else {
                checks.require(false, pointer, "must be one of \(definition.options.joined(separator: ", "))")
                return nil
            }
            return .string(text)
        case .user:
            guard let text = raw as? String, let id = UUID(uuidString: text) else {
                checks.require(false, pointer, "must be a member's id")
                return nil
            }
            return .string(id.uuidString.lowercased())
        }
    }
}

extension CustomFields {
    /// The values as a JSON object (what the `custom_fields` columns hold).
    public static func json(_ values: [String: CustomFieldValue]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: values.mapValues(\.json), options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The values a `custom_fields` column holds; entries of another shape are skipped.
    public static func values(fromJSON text: String) -> [String: CustomFieldValue] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return [:] }
        return object.compactMapValues { value in
            if let text = value as? String { return .string(text) }
            if let number = value as? NSNumber, !(value is Bool) { return .number(number.doubleValue) }
            return nil
        }
    }
}
