import Auth
public import Domain
import Foundation
import Logging
public import Persistence
import PostgresNIO

/// A manifest that parses but cannot be applied to this database: a plan or platform template it
/// does not have, an SSO issuer another tenant trusts, a role change that would leave no owner.
public struct ManifestRefusal: Error, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public var description: String { "\(field): \(message)" }
}

/// Applies a manifest in one transaction (all of it or nothing), with the owner role.
public struct ManifestApplier: Sendable {
    let database: Database
    let environment: Domain.Environment

    public init(database: Database, environment: Domain.Environment = .live) {
        self.database = database
        self.environment = environment
    }

    public struct Outcome: Sendable {
        public var plan: ManifestPlan
        /// Secrets of keys created by this apply: the only time they are shown.
        public var createdKeys: [(name: String, token: String)]
        /// Invitation tokens of the members invited by this apply: the only time they are shown.
        public var invitations: [(email: String, token: String)]
    }

    /// Computes the plan and, unless `dryRun`, carries it out. Everything the database must confirm
    /// (plan, templates, SSO keys) is checked by a dry run too.
    public func apply(_ manifest: TenantManifest, dryRun: Bool) async throws -> Outcome {
        let logger = database.logger
        let environment = self.environment
        return try await database.transaction { connection in
            // Serialise concurrent applies of the same tenant.
            try await connection.query("select pg_advisory_xact_lock(hashtext(\("pmo.tenant." + manifest.slug)))", logger: logger)
            let today = CalendarDate(utcDate: environment.now())
            let tenant = try await TenantStore.find(slug: manifest.slug, today: today, lock: true,
                                                    connection: connection, logger: logger)
            let tenantID = tenant?.id ?? TenantID(environment.newID())
            try await connection.query("select pmo.set_tenant(\(tenantID))", logger: logger)
            let scope = TenantScope(connection: connection, tenantID: tenantID, logger: logger)
            let live = try await LiveTenant.read(tenant, scope: scope, projects: .codes(manifest.projects.map(\.code)),
                                                 lock: !dryRun)
            let plan = ManifestPlan(manifest: manifest, live: live.state)
            let newPlan = tenant?.plan == manifest.plan
                ? nil : try await PlanStore(connection: connection, logger: logger).subscribable(code: manifest.plan)
            if let tenant, let status = manifest.status, status != tenant.status {
                do throws(IllegalTenantMove) {
                    try TenantLifecycle.check(from: tenant.status, to: status)
                } catch {
                    throw ManifestRefusal(field: "status", message: "the tenant is \(tenant.status.rawValue); it can move to "
                                          + (error.allowed.isEmpty ? "nothing" : error.allowed.map(\.rawValue).joined(separator: ", ")))
                }
            }
            let seeds = try await Self.platformTemplates(for: plan, scope: scope)
            try await Self.checkKeySet(of: manifest, plan: plan)
            guard !dryRun, !plan.isEmpty else { return Outcome(plan: plan, createdKeys: [], invitations: []) }

            let run = Run(manifest: manifest, live: live, scope: scope, environment: environment)
            if tenant == nil, let version = newPlan {
                _ = try await TenantStore.insert(id: tenantID, slug: manifest.slug, name: manifest.name,
                                                 status: manifest.status ?? .active, statusChangedAt: environment.now(),
                                                 on: version, from: today, subscriptionID: environment.newID(),
                                                 connection: connection, logger: logger)
            } else if let tenant {
                let status = manifest.status ?? tenant.status
                let now = environment.now()   // bound: Citus refuses now() inside CASE
                try await connection.query("""
                    update tenants set name = \(manifest.name), status = \(status.rawValue), updated_at = \(now),
                        status_reason = case when status = \(status.rawValue) then status_reason else 'set by a tenant manifest' end,
                        status_changed_at = case when status = \(status.rawValue) then status_changed_at else \(now) end
                    where id = \(tenantID)
                    """, logger: logger)
                if let version = newPlan {
                    // A manifest's plan change takes effect the day it is applied, prorated.
                    try await SubscriptionStore(scope).change(to: version, from: today, today: today, id: environment.newID())
                }
            }
            var outcome = Outcome(plan: plan, createdKeys: [], invitations: [])
            for change in plan.changes {
                try await run.carryOut(change, seeds: seeds, into: &outcome)
            }
            try await TenantStore.auditOnPlatform(
                tenant == nil ? "createTenant" : "applyTenantManifest", tenant: tenantID,
                changed: plan.changedSections, connection: connection, logger: logger)
            return outcome
        }
    }

    /// The platform templates the plan seeds, by name; a name the library does not have is refused.
    static func platformTemplates(for plan: ManifestPlan, scope: TenantScope) async throws -> [String: TemplateRecord] {
        var found: [String: TemplateRecord] = [:]
        for case .seedTemplate(let name) in plan.changes {
            guard let template = try await TemplateStore(scope).platform(named: name) else {
                throw ManifestRefusal(field: "templates", message: "the platform library has no template named \(name)")
            }
            found[name] = template
        }
        return found
    }

    /// An inline key set that the plan writes is checked as `PUT /v1/sso` checks it.
    static func checkKeySet(of manifest: TenantManifest, plan: ManifestPlan) async throws {
        guard case .inline(let document)? = manifest.sso?.keys,
              plan.changes.contains(where: { if case .createSSO = $0 { true } else if case .updateSSO = $0 { true } else { false } })
        else { return }
        do {
            _ = try await ProviderKeySet.parse(Data(document.utf8), strict: true)
        } catch {
            throw ManifestRefusal(field: "sso.jwks" + error.pointer.replacingOccurrences(of: "/", with: "."), message: error.detail)
        }
    }

    /// One apply's writes, each audited on the tenant's log as the admin CLI.
    struct Run {
        let manifest: TenantManifest
        let live: LiveTenant
        let scope: TenantScope
        let environment: Domain.Environment

        func audit(_ operation: String, _ type: String, _ id: UUID, _ fields: [String]) async throws {
            try await AuditLog(scope).recordOperator(operation, resourceType: type, resourceID: id, changedFields: fields)
        }

        func carryOut(_ change: ManifestPlan.Change, seeds: [String: TemplateRecord], into outcome: inout Outcome) async throws {
            let now = environment.now()
            switch change {
            case .createTenant:
                try await audit("createTenant", "tenant", scope.tenantID.uuid, ["slug", "name", "plan", "status"])
            case .setTenantField(let field, _, _):
                try await audit("updateTenant", "tenant", scope.tenantID.uuid, [field])
            case .inviteMember(let email, let role):
                let name = manifest.members.first { $0.email == email }?.name
                let (member, invitation) = try await MemberStore(scope).invite(
                    id: environment.newID(), email: email, name: name, role: role, at: now,
                    expiresAt: now.addingTimeInterval(Invitation.lifetime))
                outcome.invitations.append((email, invitation.token))
                try await audit("inviteMember", "member", member.id, ["email", "name", "role"])
            case .setMemberRole(let email, _, let role):
                try await setRole(of: email, to: role, at: now)
            case .createKey(let name, let scopes):
                let (key, secret) = try await APIKeyStore(scope).insert(
                    name: name, scopes: scopes, expiresAt: nil, id: environment.newID())
                outcome.createdKeys.append((name, secret.token))
                try await audit("createApiKey", "api_key", key.id, ["name", "scopes"])
            case .setKeyScopes(let name, _, let scopes):
                guard let key = live.keys.first(where: { $0.name == name }) else { return }
                try await APIKeyStore(scope).updateScopes(keyID: key.id, scopes: scopes)
                try await audit("updateApiKey", "api_key", key.id, ["scopes"])
            case .createClient(let name, let scopes):
                let client = try await ClientStore(scope).insert(id: environment.newID(), name: name, scopes: scopes, at: now)
                try await audit("createApiClient", "api_client", client.id, ["name", "scopes"])
            case .setClientScopes(let name, _, let scopes):
                guard var client = live.clients.first(where: { $0.name == name }) else { return }
                client.scopes = scopes
                _ = try await ClientStore(scope).update(client, at: now)
                try await audit("updateApiClient", "api_client", client.id, ["scopes"])
            case .createSSO, .updateSSO:
                guard let fields = manifest.sso else { return }
                let saved: SSOConfigRecord
                do {
                    saved = try await SSOConfigStore(scope).save(fields, id: environment.newID(), at: now)
                } catch let error as SSOIssuerInUse {
                    throw ManifestRefusal(field: "sso.issuer", message: "another tenant trusts \(error.issuer) for audience \(error.audience) already")
                }
                let changed = live.sso.map { ManifestPlan.changedFields(of: $0, to: fields) }
                    ?? ["issuer", "audience", fields.keys.isURL ? "jwksUrl" : "jwks", "emailClaim"]
                try await audit("putSSOConfiguration", "sso_configuration", saved.id, changed)
            case .seedTemplate(let name):
                guard let platform = seeds[name] else { return }
                let template = try await TemplateStore(scope).insert(TemplateRecord(
                    id: environment.newID(), name: platform.name, description: platform.description,
                    methodology: platform.methodology, isPlatform: false, content: platform.content, createdAt: now))
                try await audit("createTemplate", "template", template.id, ["name", "description", "methodology", "content"])
            case .setCalendar(let fields):
                guard let calendar = manifest.calendar else { return }
                _ = try await CalendarStore(scope).save(calendar, id: environment.newID(), at: now)
                try await audit("putCalendar", "calendar", scope.tenantID.uuid, fields)
            case .createProject(let code):
                guard let fields = manifest.projects.first(where: { $0.code == code }) else { return }
                let record = try await ProjectStore(scope).insert(id: environment.newID(), fields: fields, at: now)
                try await audit("createProject", "project", record.id, ProjectFields.fieldNames)
            case .updateProject(let code, let changed):
                guard let fields = manifest.projects.first(where: { $0.code == code }),
                      var next = live.projects[code] else { return }
                next.fields = ManifestPlan.governed(fields, keeping: next.fields)
                _ = try await ProjectStore(scope).update(next, at: now)
                try await audit("updateProject", "project", next.id, changed)
            }
        }

        /// A role change follows the member rules: the tenant keeps an active owner.
        func setRole(of email: String, to role: Role, at now: Date) async throws {
            let store = try await MemberStore(scope).lockingActiveOwners()
            guard var member = live.members.first(where: { $0.email == email }) else { return }
            do throws(MemberRuleViolation) {
                try MemberChange(role: member.role, status: member.status).check(
                    to: MemberChange(role: role, status: member.status), hasBeenActive: member.activatedAt != nil,
                    callerScopes: Role.owner.scopes, activeOwners: store.activeOwners.count)
            } catch {
                throw ManifestRefusal(field: "members", message: "\(email) is the tenant's last active owner; make another member owner first")
            }
            member.role = role
            _ = try await store.update(member, at: now)
            try await audit("updateMember", "member", member.id, ["role"])
        }
    }
}

extension ManifestPlan {
    /// The manifest sections an apply changed, for the platform audit log.
    var changedSections: [String] {
        var sections: [String] = []
        func add(_ name: String) { if !sections.contains(name) { sections.append(name) } }
        for change in changes {
            switch change {
            case .createTenant: ["slug", "name", "plan", "status"].forEach(add)
            case .setTenantField(let field, _, _): add(field)
            case .inviteMember, .setMemberRole: add("members")
            case .createKey, .setKeyScopes: add("apiKeys")
            case .createClient, .setClientScopes: add("apiClients")
            case .createSSO, .updateSSO: add("sso")
            case .seedTemplate: add("templates")
            case .setCalendar: add("settings")
            case .createProject, .updateProject: add("projects")
            }
        }
        return sections
    }
}

extension SSOKeySource {
    var isURL: Bool { if case .url = self { true } else { false } }
}
