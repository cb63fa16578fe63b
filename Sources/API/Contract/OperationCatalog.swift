import Domain
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
                operations.append(Operation(id: id, method: method.uppercased(), path: path, access: access))
            }
        }
        return OperationCatalog(operations: operations.sorted { ($0.path, $0.method) < ($1.path, $1.method) })
    }
}
