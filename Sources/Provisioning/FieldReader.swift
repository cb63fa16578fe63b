import Domain
import Yams

/// Reads typed fields from a YAML mapping, reporting errors with the field's path and line.
struct FieldReader {
    let mapping: Node.Mapping
    let path: String

    func node(_ key: String) -> Node? { mapping[key] }

    func error(_ field: String, _ message: String, _ at: Node? = nil) -> ManifestError {
        ManifestError(line: (at ?? node(field))?.mark?.line ?? mapping.mark?.line, field: path + field, message: message)
    }

    func allow(_ keys: Set<String>) throws(ManifestError) {
        for (key, _) in mapping {
            guard let name = key.string, keys.contains(name) else {
                throw ManifestError(line: key.mark?.line, field: path + (key.string ?? "?"),
                                    message: "unknown field; expected one of \(keys.sorted().joined(separator: ", "))")
            }
        }
    }

    func string(_ key: String) throws(ManifestError) -> String {
        guard let value = try optionalString(key) else { throw error(key, "is required") }
        return value
    }

    func optionalString(_ key: String) throws(ManifestError) -> String? {
        guard let node = node(key), node.null == nil else { return nil }
        guard let scalar = node.scalar else { throw error(key, "must be text") }
        return scalar.string
    }

    func optionalInteger(_ key: String) throws(ManifestError) -> Int64? {
        guard let text = try optionalString(key) else { return nil }
        guard let value = Int64(text) else { throw error(key, "must be a whole number") }
        return value
    }

    func optionalDate(_ key: String) throws(ManifestError) -> CalendarDate? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = CalendarDate(text) else { throw error(key, "must be a date YYYY-MM-DD") }
        return date
    }

    func enumeration<T: RawRepresentable & CaseIterable>(_ key: String) throws(ManifestError) -> T where T.RawValue == String {
        guard let value: T = try optionalEnumeration(key) else { throw error(key, "is required") }
        return value
    }

    func optionalEnumeration<T: RawRepresentable & CaseIterable>(_ key: String) throws(ManifestError) -> T? where T.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw error(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func sequence(_ key: String) throws(ManifestError) -> [Node] {
        guard let node = node(key), node.null == nil else { return [] }
        guard let sequence = node.sequence else { throw error(key, "must be a list") }
        return Array(sequence)
    }

    func requiredInteger(_ key: String) throws(ManifestError) -> Int64 {
        guard let value = try optionalInteger(key) else { throw error(key, "is required") }
        return value
    }

    /// A nested mapping (required).
    func mapping(_ key: String) throws(ManifestError) -> FieldReader {
        guard let nested = try optionalMapping(key) else { throw error(key, "is required") }
        return nested
    }

    /// A nested mapping, or nil when the field is absent or null.
    func optionalMapping(_ key: String) throws(ManifestError) -> FieldReader? {
        guard let node = node(key), node.null == nil else { return nil }
        guard let nested = node.mapping else { throw error(key, "must be a mapping") }
        return FieldReader(mapping: nested, path: path + key + ".")
    }

    /// The items of a list of mappings, each a reader of its own (`key[index].` in messages), whose
    /// fields must be among `allowed`.
    func items(_ key: String, allowed: Set<String>) throws(ManifestError) -> [FieldReader] {
        var readers: [FieldReader] = []
        for (index, node) in try sequence(key).enumerated() {
            guard let item = node.mapping else { throw error("\(key)[\(index)]", "must be a mapping", node) }
            let reader = FieldReader(mapping: item, path: path + "\(key)[\(index)].")
            try reader.allow(allowed)
            readers.append(reader)
        }
        return readers
    }

    /// The document's top-level mapping: `what` says what it must be a mapping of.
    static func document(_ text: String, of what: String) throws(ManifestError) -> FieldReader {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ManifestError(line: line(of: error), field: "(document)", message: "not valid YAML: \(error)")
        } catch {
            throw ManifestError(line: nil, field: "(document)", message: "not valid YAML: \(error)")
        }
        guard let root, let mapping = root.mapping else {
            throw ManifestError(line: root?.mark?.line, field: "(document)", message: "must be a mapping of \(what)")
        }
        return FieldReader(mapping: mapping, path: "")
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
