public import Domain
import Yams

/// `tenants/<slug>.yaml`: the declarative description of a tenant (see tenants/README.md).
public struct TenantManifest: Equatable, Sendable {
    public struct APIKey: Equatable, Sendable {
        public var name: String
        public var scopes: [Scope]

        public init(name: String, scopes: [Scope]) {
            self.name = name
            self.scopes = scopes
        }
    }

    public var slug: String
    public var name: String
    /// A plan code of the catalogue.
    public var plan: String
    /// The tenant's status when the manifest sets one; absent leaves a live tenant's status alone
    /// (new tenants start active), so re-applying never un-suspends a tenant by accident.
    public var status: TenantStatus?
    public var apiKeys: [APIKey]
    public var projects: [ProjectFields]
}

/// A manifest problem, located so an operator can fix it: `demo.yaml:7: plan: must be one of ...`.
public struct ManifestError: Error, Equatable, CustomStringConvertible {
    public let line: Int?
    public let field: String
    public let message: String

    public init(line: Int?, field: String, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        "\(line.map { "line \($0): " } ?? "")\(field): \(message)"
    }
}

extension TenantManifest {
    public static func parse(_ text: String) throws(ManifestError) -> TenantManifest {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ManifestError(line: Self.line(of: error), field: "(document)", message: "not valid YAML: \(error)")
        } catch {
            throw ManifestError(line: nil, field: "(document)", message: "not valid YAML: \(error)")
        }
        guard let root, let mapping = root.mapping else {
            throw ManifestError(line: root?.mark?.line, field: "(document)", message: "must be a mapping of fields")
        }
        let reader = FieldReader(mapping: mapping, path: "")
        try reader.allow(["slug", "name", "plan", "status", "apiKeys", "projects"])
        let slug = try reader.string("slug")
        guard TenantSlug.isValid(slug) else {
            throw reader.error("slug", "must match ^[a-z0-9][a-z0-9-]{1,62}$")
        }
        let name = try reader.string("name")
        guard (1...200).contains(name.count) else { throw reader.error("name", "must be 1–200 characters") }
        // Whether the plan exists is the catalogue's to say, when the manifest is applied.
        let plan = try reader.string("plan")
        guard PlanTerms.isValidCode(plan) else {
            throw reader.error("plan", "must be a plan code: 2 to 40 characters, lower-case letters, digits, - and _")
        }
        let status: TenantStatus? = try reader.optionalEnumeration("status")
        if let status, ![.active, .suspended, .onboarding].contains(status) {
            throw reader.error("status", "a manifest may set active, onboarding or suspended")
        }
        var keys: [APIKey] = []
        for (index, node) in try reader.sequence("apiKeys").enumerated() {
            guard let item = node.mapping else { throw reader.error("apiKeys[\(index)]", "must be a mapping", node) }
            let keyReader = FieldReader(mapping: item, path: "apiKeys[\(index)].")
            try keyReader.allow(["name", "scopes"])
            let keyName = try keyReader.string("name")
            var scopes: [Scope] = []
            for scopeNode in try keyReader.sequence("scopes") {
                guard let text = scopeNode.string, let scope = Scope(rawValue: text) else {
                    throw keyReader.error("scopes", "unknown scope \(scopeNode.string ?? "?"); known: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))", scopeNode)
                }
                scopes.append(scope)
            }
            guard !scopes.isEmpty else { throw keyReader.error("scopes", "must name at least one scope") }
            guard !keys.contains(where: { $0.name == keyName }) else { throw keyReader.error("name", "is used twice") }
            keys.append(APIKey(name: keyName, scopes: Array(Set(scopes)).sorted()))
        }
        var projects: [ProjectFields] = []
        for (index, node) in try reader.sequence("projects").enumerated() {
            guard let item = node.mapping else { throw reader.error("projects[\(index)]", "must be a mapping", node) }
            let projectReader = FieldReader(mapping: item, path: "projects[\(index)].")
            try projectReader.allow(["code", "name", "methodology", "phase", "status", "sponsor", "manager",
                                     "plannedStart", "plannedFinish", "budgetAtCompletion", "currency"])
            let fields = ProjectFields(
                code: try projectReader.string("code"), name: try projectReader.string("name"),
                methodology: try projectReader.optionalEnumeration("methodology") ?? .predictive,
                phase: try projectReader.optionalEnumeration("phase") ?? .initiating,
                status: try projectReader.optionalEnumeration("status") ?? .proposed,
                sponsor: try projectReader.optionalString("sponsor"), manager: try projectReader.optionalString("manager"),
                plannedStart: try projectReader.optionalDate("plannedStart"),
                plannedFinish: try projectReader.optionalDate("plannedFinish"),
                budgetAtCompletion: try projectReader.optionalInteger("budgetAtCompletion") ?? 0,
                currency: try projectReader.string("currency"))
            do {
                try fields.validate()
            } catch {
                let first = error.errors[0]
                let field = String(first.pointer.dropFirst())
                throw projectReader.error(field, first.detail)
            }
            guard !projects.contains(where: { $0.code == fields.code }) else {
                throw projectReader.error("code", "\(fields.code) is used twice")
            }
            projects.append(fields)
        }
        return TenantManifest(slug: slug, name: name, plan: plan, status: status, apiKeys: keys, projects: projects)
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
}
