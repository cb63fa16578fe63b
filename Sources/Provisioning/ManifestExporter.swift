import Auth
import Domain
import Foundation
public import Persistence
import PostgresNIO

/// `pmo-admin tenant export`: the live tenant as a manifest that applies back to it with no change.
/// It holds what a manifest can hold: members who are not deactivated, the keys that belong to
/// neither a member nor a client (names and scopes, never secrets), the clients, SSO, the tenant's
/// templates that are copies of platform ones (by name), the calendar and the projects.
public struct ManifestExporter: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func export(slug: String) async throws -> TenantManifest {
        let logger = database.logger
        return try await database.transaction { connection in
            let tenant = try await TenantStore.existing(slug: slug, lock: false, connection: connection, logger: logger)
            try await connection.query("select pmo.set_tenant(\(tenant.id))", logger: logger)
            let scope = TenantScope(connection: connection, tenantID: tenant.id, logger: logger)
            let live = try await LiveTenant.read(tenant, scope: scope, projects: .all, lock: false)
            let platformNames = try await TemplateStore(scope).platformNames()
            let seeded = live.templates.map(\.name).filter(platformNames.contains)
            return Self.manifest(of: live, tenant: tenant, seededTemplates: seeded)
        }
    }

    static func manifest(of live: LiveTenant, tenant: TenantRecord, seededTemplates: [String]) -> TenantManifest {
        var keys: [TenantManifest.APIKey] = []
        for key in live.keys where !keys.contains(where: { $0.name == key.name }) {
            keys.append(.init(name: key.name, scopes: key.scopes.compactMap(Scope.init(rawValue:)).sorted()))
        }
        return TenantManifest(
            slug: tenant.slug, name: tenant.name, plan: tenant.plan,
            status: TenantManifest.settableStatuses.contains(tenant.status) ? tenant.status : nil,
            members: live.members.filter { $0.status != .deactivated }.map { .init(email: $0.email, name: $0.name, role: $0.role) },
            apiKeys: keys,
            apiClients: live.clients.map { .init(name: $0.name, scopes: $0.scopes.sorted()) },
            sso: live.sso.map { record in
                SSOConfigFields(issuer: record.issuer, audience: record.audience,
                                keys: record.jwksURL.map(SSOKeySource.url) ?? .inline(record.jwks ?? "{}"),
                                emailClaim: record.emailClaim)
            },
            templates: seededTemplates.sorted(), calendar: live.calendar,
            projects: live.projects.values.map { $0.fields }.sorted { $0.code < $1.code })
    }
}
