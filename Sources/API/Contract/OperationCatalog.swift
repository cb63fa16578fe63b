public import Domain
import Foundation
import Yams

/// What the contract says about each operation's access: open (`security: []`) or requiring one
/// scope (`x-required-scope`). Read from the bundled `openapi.yaml` at start-up; an operation that
/// needs a credential but names no valid scope stops the server from starting.
public struct OperationCatalog: Sendable {
    public enum Access: Sendable, Equatable {
        case open
        case scope(Scope)
    }

    /// One operation of the contract.
    public struct Operation: Sendable, Equatable {
        public let id: String
        public let method: String
        public let path: String
        public let access: Access
        /// The JSON body's fields that may be left out but are never `null` (see `NullableFields`).
        public var nonNullable = NonNullableFields()
        /// The query parameters the operation requires.
        public var requiredQuery: [String] = []

        /// Whether the path names a resource by id (`{...}`): such operations must return 404 for
        /// another tenant's resource (the cross-tenant suite checks every one).
        public var hasPathParameter: Bool { path.contains("{") }
    }

    public let operations: [Operation]

    /// The methods the contract defines for a concrete request path (`/v1/projects/CC-1` matches
    /// `/v1/projects/{projectRef}`); empty when no path matches. A literal segment wins over a
    /// parameter, as in the router: `/v1/members/me` is not `/v1/members/{memberId}`.
    public func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let matches = operations.compactMap { operation -> (parameters: Int, method: String)? in
            let template = operation.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { return nil }
            var parameters = 0
            for (pattern, segment) in zip(template, segments) {
                if pattern.hasPrefix("{") && !segment.isEmpty {
                    parameters += 1
                } else if pattern != segment {
                    return nil
                }
            }
            return (parameters, operation.method)
        }
        guard let mostLiteral = matches.map(\.parameters).min() else { return [] }
        return matches.filter { $0.parameters == mostLiteral }.map(\.method)
    }

    public var access: [String: Access] {
        Dictionary(uniqueKeysWithValues: operations.map { ($0.id, $0.access) })
    }

    /// For each operation with required query parameters, their names.
    public var requiredQuery: [String: [String]] {
        Dictionary(uniqueKeysWithValues: operations.filter { !$0.requiredQuery.isEmpty }.map { ($0.id, $0.requiredQuery) })
    }

    /// For each operation with a JSON body, the fields that may not be `null`.
    public var nonNullable: [String: NonNullableFields] {
        Dictionary(uniqueKeysWithValues: operations.filter { !$0.nonNullable.isEmpty }.map { ($0.id, $0.nonNullable) })
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The contract text this build serves, embedded in the binary at build time.
    public static func bundledDocument() throws -> String {
        String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
    }

    public static func load(from document: String) throws -> OperationCatalog {
        guard let root = try Yams.load(yaml: document) as? [String: Any],
              let paths = root["paths"] as? [String: Any]
        else { throw Invalid(description: "openapi.yaml has no paths") }
        let globalSecurity = (root["security"] as? [Any]) ?? []
        var operations: [Operation] = []
        let methods: Set<String> = ["get", "put", "post", "patch", "delete", "head", "options", "trace"]
        for (path, item) in paths {
            guard let item = item as? [String: Any] else { continue }
            for (method, value) in item where methods.contains(method) {
                guard let operation = value as? [String: Any], let id = operation["operationId"] as? String else {
                    throw Invalid(description: "\(method.uppercased()) \(path) has no operationId")
                }
                let security = (operation["security"] as? [Any]) ?? globalSecurity
                let access: Access
                if security.isEmpty {
                    access = .open
                } else if let name = operation["x-required-scope"] as? String, let scope = Scope(rawValue: name) {
                    access = .scope(scope)
                } else {
                    throw Invalid(description: "operation \(id) needs a credential but declares no known x-required-scope")
                }
                var entry = Operation(id: id, method: method.uppercased(), path: path, access: access)
                entry.requiredQuery = ((operation["parameters"] as? [Any]) ?? []).compactMap { parameter in
                    guard let parameter = parameter as? [String: Any], parameter["in"] as? String == "query",
                          parameter["required"] as? Bool == true else { return nil }
                    return parameter["name"] as? String
                }
                if let body = (((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
                    as? [String: Any])?["schema"] as? [String: Any] {
                    entry.nonNullable = NonNullableFields(schema: body, root: root)
                }
                operations.append(entry)
            }
        }
        return OperationCatalog(operations: operations.sorted { ($0.path, $0.method) < ($1.path, $1.method) })
    }
}

/// The fields of a JSON body that the contract types without `null` but does not require. The
/// generated decoder reads an explicit `null` there as "left out", which would quietly accept a
/// request the contract calls invalid; the operation middleware refuses it instead (422). Arrays of
/// objects (bulk requests) are checked item by item.
public struct NonNullableFields: Sendable, Equatable {
    public var fields: Set<String> = []
    /// Object fields (a plan's `metrics`, a metric's terms), with those objects' own rules.
    public var objects: [String: NonNullableFields] = [:]
    /// Array fields whose items are objects, with those objects' own rules.
    public var arrays: [String: NonNullableFields] = [:]

    public var isEmpty: Bool { fields.isEmpty && objects.isEmpty && arrays.isEmpty }

    public init() {}

    /// The rules of `schema`, nested objects and arrays of objects included (a few levels deep: no
    /// body of the contract nests further).
    init(schema: [String: Any], root: [String: Any], depth: Int = 0) {
        guard depth < 6, let object = Self.resolve(schema, root), let properties = object["properties"] as? [String: Any] else { return }
        let required = Set(object["required"] as? [String] ?? [])
        for (name, value) in properties {
            guard let property = value as? [String: Any] else { continue }
            if !required.contains(name), !Self.allowsNull(property) { fields.insert(name) }
            if let resolved = Self.resolve(property, root), resolved["properties"] != nil {
                let rules = NonNullableFields(schema: resolved, root: root, depth: depth + 1)
                if !rules.isEmpty { objects[name] = rules }
            }
            if property["type"] as? String == "array", let items = property["items"] as? [String: Any] {
                let rules = NonNullableFields(schema: items, root: root, depth: depth + 1)
                if !rules.isEmpty { arrays[name] = rules }
            }
        }
    }

    /// The pointers of the fields of a body that are `null` where the contract forbids it.
    public func violations(in object: [String: Any]?) -> [String] {
        violations(in: object, at: "")
    }

    private func violations(in object: [String: Any]?, at prefix: String) -> [String] {
        guard let object else { return [] }
        var pointers = fields.filter { object[$0] is NSNull }.sorted().map { "\(prefix)/\($0)" }
        for (name, rules) in objects.sorted(by: { $0.key < $1.key }) {
            pointers += rules.violations(in: object[name] as? [String: Any], at: "\(prefix)/\(name)")
        }
        for (name, rules) in arrays.sorted(by: { $0.key < $1.key }) {
            for (index, item) in (object[name] as? [Any] ?? []).enumerated() {
                pointers += rules.violations(in: item as? [String: Any], at: "\(prefix)/\(name)/\(index)")
            }
        }
        return pointers
    }

    /// A type list with "null", or no type at all (any value), allows null; a `$ref` does not.
    static func allowsNull(_ schema: [String: Any]) -> Bool {
        if schema["$ref"] != nil { return false }
        switch schema["type"] {
        case let single as String: return single == "null"
        case let several as [Any]: return several.contains { $0 as? String == "null" }
        default: return true
        }
    }

    static func resolve(_ schema: [String: Any], _ root: [String: Any]) -> [String: Any]? {
        guard let reference = schema["$ref"] as? String else { return schema }
        let name = reference.replacingOccurrences(of: "#/components/schemas/", with: "")
        return ((root["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any]
    }
}
