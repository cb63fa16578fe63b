public import Auth
public import Domain
public import Persistence

/// What applying a manifest would change, computed from the manifest and the live tenant; empty
/// when the tenant already matches (a second apply is a no-op and says so).
public struct ManifestPlan: Equatable, Sendable {
    public enum Change: Equatable, Sendable, CustomStringConvertible {
        case createTenant(slug: String, plan: String)
        case setTenantField(field: String, from: String, to: String)
        case createKey(name: String, scopes: [Scope])
        case setKeyScopes(name: String, from: [String], to: [Scope])
        case createProject(code: String)
        case updateProject(code: String, fields: [String])

        public var description: String {
            switch self {
            case .createTenant(let slug, let plan): "+ tenant \(slug) (plan \(plan))"
            case .setTenantField(let field, let from, let to): "~ tenant \(field): \(from) → \(to)"
            case .createKey(let name, let scopes): "+ api key \(name) [\(scopes.map(\.rawValue).joined(separator: ","))]"
            case .setKeyScopes(let name, let from, let to):
                "~ api key \(name) scopes: \(from.joined(separator: ",")) → \(to.map(\.rawValue).joined(separator: ","))"
            case .createProject(let code): "+ project \(code)"
            case .updateProject(let code, let fields): "~ project \(code): \(fields.joined(separator: ", "))"
            }
        }
    }

    public var changes: [Change]
    public var isEmpty: Bool { changes.isEmpty }

    /// The live state a plan is computed against.
    public struct LiveState: Sendable {
        public var tenant: TenantRecord?
        public var activeKeys: [APIKeyRecord]
        public var projects: [String: ProjectFields]

        public init(tenant: TenantRecord?, activeKeys: [APIKeyRecord], projects: [String: ProjectFields]) {
            self.tenant = tenant
            self.activeKeys = activeKeys
            self.projects = projects
        }
    }

    public init(manifest: TenantManifest, live: LiveState) {
        var changes: [Change] = []
        if let tenant = live.tenant {
            if tenant.name != manifest.name { changes.append(.setTenantField(field: "name", from: tenant.name, to: manifest.name)) }
            if tenant.plan != manifest.plan {
                changes.append(.setTenantField(field: "plan", from: tenant.plan, to: manifest.plan))
            }
            if let status = manifest.status, tenant.status != status {
                changes.append(.setTenantField(field: "status", from: tenant.status.rawValue, to: status.rawValue))
            }
        } else {
            changes.append(.createTenant(slug: manifest.slug, plan: manifest.plan))
        }
        for key in manifest.apiKeys {
            if let existing = live.activeKeys.first(where: { $0.name == key.name }) {
                if existing.scopes.sorted() != key.scopes.map(\.rawValue).sorted() {
                    changes.append(.setKeyScopes(name: key.name, from: existing.scopes, to: key.scopes))
                }
            } else {
                changes.append(.createKey(name: key.name, scopes: key.scopes))
            }
        }
        for project in manifest.projects {
            if let existing = live.projects[project.code] {
                let fields = project.changedFields(comparedTo: existing)
                if !fields.isEmpty { changes.append(.updateProject(code: project.code, fields: fields)) }
            } else {
                changes.append(.createProject(code: project.code))
            }
        }
        self.changes = changes
    }
}
