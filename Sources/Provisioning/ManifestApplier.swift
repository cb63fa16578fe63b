import Auth
public import Domain
import Foundation
import Logging
public import Persistence
import PostgresNIO

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
    }

    /// Computes the plan and, unless `dryRun`, carries it out.
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
            let keyStore = APIKeyStore(scope)
            let keys = tenant == nil ? [] : try await keyStore.active()
            let projectStore = ProjectStore(scope)
            var projects: [String: ProjectRecord] = [:]
            for project in manifest.projects {
                if let record = try await projectStore.find(.code(project.code), lock: !dryRun) {
                    projects[project.code] = record
                }
            }
            let plan = ManifestPlan(manifest: manifest, live: .init(
                tenant: tenant, activeKeys: keys, projects: projects.mapValues(\.fields)))
            // A plan the catalogue does not have (or archived) is refused by a dry run too.
            let plans = PlanStore(connection: connection, logger: logger)
            let newPlan = tenant?.plan == manifest.plan ? nil : try await plans.subscribable(code: manifest.plan)
            guard !dryRun, !plan.isEmpty else { return Outcome(plan: plan, createdKeys: []) }

            if tenant == nil, let version = newPlan {
                try await connection.query("""
                    insert into tenants (id, slug, name, status)
                    values (\(tenantID), \(manifest.slug), \(manifest.name), \((manifest.status ?? .active).rawValue))
                    """, logger: logger)
                try await SubscriptionStore(scope).start(on: version, from: today, id: environment.newID())
            } else {
                try await connection.query("""
                    update tenants set name = \(manifest.name), status = \((manifest.status ?? tenant!.status).rawValue),
                        updated_at = now()
                    where id = \(tenantID)
                    """, logger: logger)
                if let version = newPlan {
                    // A manifest's plan change takes effect the day it is applied, prorated.
                    try await SubscriptionStore(scope).change(to: version, from: today, today: today, id: environment.newID())
                }
            }
            var created: [(name: String, token: String)] = []
            func audit(_ operation: String, _ type: String, _ id: UUID, _ fields: [String]) async throws {
                try await AuditLog(scope).recordOperator(operation, resourceType: type, resourceID: id, changedFields: fields)
            }
            for change in plan.changes {
                switch change {
                case .createKey(let name, let scopes):
                    let (key, secret) = try await keyStore.insert(
                        name: name, scopes: scopes, expiresAt: nil, id: environment.newID())
                    created.append((name, secret.token))
                    try await audit("createApiKey", "api_key", key.id, ["name", "scopes"])
                case .setKeyScopes(let name, _, let scopes):
                    if let key = keys.first(where: { $0.name == name }) {
                        try await keyStore.updateScopes(keyID: key.id, scopes: scopes)
                        try await audit("updateApiKey", "api_key", key.id, ["scopes"])
                    }
                case .createProject(let code):
                    guard let fields = manifest.projects.first(where: { $0.code == code }) else { continue }
                    let record = try await projectStore.insert(id: environment.newID(), fields: fields, at: environment.now())
                    try await audit("createProject", "project", record.id, ProjectFields.fieldNames)
                case .updateProject(let code, let changed):
                    guard let fields = manifest.projects.first(where: { $0.code == code }),
                          let existing = projects[code] else { continue }
                    var next = existing
                    next.fields = fields
                    _ = try await projectStore.update(next, at: environment.now())
                    try await audit("updateProject", "project", existing.id, changed)
                case .createTenant:
                    try await audit("createTenant", "tenant", tenantID.uuid, ["slug", "name", "plan", "status"])
                case .setTenantField(let field, _, _):
                    try await audit("updateTenant", "tenant", tenantID.uuid, [field])
                }
            }
            return Outcome(plan: plan, createdKeys: created)
        }
    }
}
