public import Auth
public import Domain
import Foundation
public import Persistence

/// What applying a manifest would change, computed from the manifest and the live tenant; empty
/// when the tenant already matches (a second apply is a no-op and says so).
public struct ManifestPlan: Equatable, Sendable {
    public enum Change: Equatable, Sendable, CustomStringConvertible {
        case createTenant(slug: String, plan: String)
        case setTenantField(field: String, from: String, to: String)
        case inviteMember(email: String, role: Role)
        case setMemberRole(email: String, from: Role, to: Role)
        case createKey(name: String, scopes: [Scope])
        case setKeyScopes(name: String, from: [String], to: [Scope])
        case createClient(name: String, scopes: [Scope])
        case setClientScopes(name: String, from: [Scope], to: [Scope])
        case createSSO(issuer: String)
        case updateSSO(fields: [String])
        case seedTemplate(name: String)
        case setCalendar(fields: [String])
        case createProject(code: String)
        case updateProject(code: String, fields: [String])

        public var description: String {
            func list(_ scopes: [Scope]) -> String { scopes.map(\.rawValue).joined(separator: ",") }
            return switch self {
            case .createTenant(let slug, let plan): "+ tenant \(slug) (plan \(plan))"
            case .setTenantField(let field, let from, let to): "~ tenant \(field): \(from) → \(to)"
            case .inviteMember(let email, let role): "+ member \(email) (\(role.rawValue), invited)"
            case .setMemberRole(let email, let from, let to): "~ member \(email) role: \(from.rawValue) → \(to.rawValue)"
            case .createKey(let name, let scopes): "+ api key \(name) [\(list(scopes))]"
            case .setKeyScopes(let name, let from, let to):
                "~ api key \(name) scopes: \(from.joined(separator: ",")) → \(list(to))"
            case .createClient(let name, let scopes): "+ api client \(name) [\(list(scopes))]"
            case .setClientScopes(let name, let from, let to): "~ api client \(name) scopes: \(list(from)) → \(list(to))"
            case .createSSO(let issuer): "+ sso \(issuer)"
            case .updateSSO(let fields): "~ sso: \(fields.joined(separator: ", "))"
            case .seedTemplate(let name): "+ template \(name) (from the platform library)"
            case .setCalendar(let fields): "~ settings: \(fields.joined(separator: ", "))"
            case .createProject(let code): "+ project \(code)"
            case .updateProject(let code, let fields): "~ project \(code): \(fields.joined(separator: ", "))"
            }
        }
    }

    public var changes: [Change]
    public var isEmpty: Bool { changes.isEmpty }

    /// The live state a plan is computed against (`ManifestLiveState.read` reads it).
    public struct LiveState: Sendable {
        public var tenant: TenantRecord?
        public var members: [MemberRecord]
        /// The tenant's active keys that belong to neither a member nor a client.
        public var activeKeys: [APIKeyRecord]
        public var clients: [ClientRecord]
        public var sso: SSOConfigRecord?
        /// Names of the tenant's own templates.
        public var templateNames: Set<String>
        public var calendar: WorkingCalendar
        public var projects: [String: ProjectFields]

        public init(tenant: TenantRecord?, members: [MemberRecord] = [], activeKeys: [APIKeyRecord] = [],
                    clients: [ClientRecord] = [], sso: SSOConfigRecord? = nil, templateNames: Set<String> = [],
                    calendar: WorkingCalendar = .standard, projects: [String: ProjectFields] = [:]) {
            self.tenant = tenant
            self.members = members
            self.activeKeys = activeKeys
            self.clients = clients
            self.sso = sso
            self.templateNames = templateNames
            self.calendar = calendar
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
        for member in manifest.members {
            if let existing = live.members.first(where: { $0.email == member.email }) {
                if existing.role != member.role {
                    changes.append(.setMemberRole(email: member.email, from: existing.role, to: member.role))
                }
            } else {
                changes.append(.inviteMember(email: member.email, role: member.role))
            }
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
        for client in manifest.apiClients {
            if let existing = live.clients.first(where: { $0.name == client.name }) {
                if existing.scopes.sorted() != client.scopes {
                    changes.append(.setClientScopes(name: client.name, from: existing.scopes.sorted(), to: client.scopes))
                }
            } else {
                changes.append(.createClient(name: client.name, scopes: client.scopes))
            }
        }
        if let sso = manifest.sso {
            if let existing = live.sso {
                let fields = Self.changedFields(of: existing, to: sso)
                if !fields.isEmpty { changes.append(.updateSSO(fields: fields)) }
            } else {
                changes.append(.createSSO(issuer: sso.issuer))
            }
        }
        for name in manifest.templates where !live.templateNames.contains(name) {
            changes.append(.seedTemplate(name: name))
        }
        if let calendar = manifest.calendar {
            var fields: [String] = []
            if calendar.workingWeekdays != live.calendar.workingWeekdays { fields.append("workingWeekdays") }
            if calendar.holidays != live.calendar.holidays { fields.append("holidays") }
            if !fields.isEmpty { changes.append(.setCalendar(fields: fields)) }
        }
        for project in manifest.projects {
            if let existing = live.projects[project.code] {
                let fields = Self.governed(project, keeping: existing).changedFields(comparedTo: existing)
                if !fields.isEmpty { changes.append(.updateProject(code: project.code, fields: fields)) }
            } else {
                changes.append(.createProject(code: project.code))
            }
        }
        self.changes = changes
    }

    /// A project as the manifest wants it: a manifest does not hold the programme a project belongs
    /// to or its custom field values, so applying one keeps the live project's.
    static func governed(_ project: ProjectFields, keeping existing: ProjectFields) -> ProjectFields {
        var wanted = project
        wanted.programmeID = existing.programmeID
        wanted.customFields = existing.customFields
        return wanted
    }

    /// The manifest's SSO fields that differ from the stored configuration; two inline key sets are
    /// the same when they are the same JSON (the database keeps its own spacing and key order).
    static func changedFields(of stored: SSOConfigRecord, to wanted: SSOConfigFields) -> [String] {
        var fields: [String] = []
        if stored.issuer != wanted.issuer { fields.append("issuer") }
        if stored.audience != wanted.audience { fields.append("audience") }
        if stored.emailClaim != wanted.emailClaim { fields.append("emailClaim") }
        switch wanted.keys {
        case .url(let url):
            if stored.jwksURL != url { fields.append("jwksUrl") }
        case .inline(let document):
            if stored.jwks.map({ !Self.sameJSON($0, document) }) ?? true { fields.append("jwks") }
        }
        return fields
    }

    static func sameJSON(_ left: String, _ right: String) -> Bool {
        guard let a = try? JSONSerialization.jsonObject(with: Data(left.utf8)) as? NSDictionary,
              let b = try? JSONSerialization.jsonObject(with: Data(right.utf8)) as? NSDictionary
        else { return left == right }
        return a == b
    }
}
