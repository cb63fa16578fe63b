import Auth
import Domain
import Foundation
import Persistence
import Provisioning
import Testing

/// Tenant manifests: parsing and planning against what is live.
@Suite struct ManifestTests {
    static let valid = """
        slug: acme
        name: Acme
        plan: starter
        apiKeys:
          - name: feed
            scopes: [projects:read, usage:read]
        projects:
          - code: A-1
            name: One
            currency: EUR
        """

    @Test func parsesAValidManifest() throws {
        let manifest = try TenantManifest.parse(Self.valid)
        #expect(manifest.slug == "acme")
        #expect(manifest.plan == "starter")
        #expect(manifest.status == nil)
        #expect(manifest.apiKeys == [.init(name: "feed", scopes: [.projectsRead, .usageRead])])
        #expect(manifest.projects.map(\.code) == ["A-1"])
    }

    @Test func errorsNameTheFieldAndLine() {
        #expect(throws: ManifestError(line: 4, field: "colour", message: "unknown field; expected one of \(TenantManifest.fields[""]!.sorted().joined(separator: ", "))")) {
            try TenantManifest.parse("slug: acme\nname: Acme\nplan: starter\ncolour: red\n")
        }
        #expect(throws: ManifestError(line: 6, field: "apiKeys[0].scopes", message: "unknown scope admin; known: \(TenantManifest.tenantScopes.map(\.rawValue).joined(separator: ", "))")) {
            try TenantManifest.parse("slug: acme\nname: Acme\nplan: starter\napiKeys:\n  - name: x\n    scopes: [admin]\n")
        }
        #expect(throws: ManifestError(line: 9, field: "projects[0].plannedFinish", message: "must not be before plannedStart (2026-02-01)")) {
            try TenantManifest.parse("""
                slug: acme
                name: Acme
                plan: starter
                projects:
                  - code: A-1
                    name: One
                    currency: EUR
                    plannedStart: 2026-02-01
                    plannedFinish: 2026-01-01
                """)
        }
    }

    @Test func planAgainstAMatchingTenantIsEmpty() throws {
        let manifest = try TenantManifest.parse(Self.valid)
        let tenant = TenantRecord(id: TenantID(UUID()), slug: "acme", name: "Acme", plan: "starter", status: .active, createdAt: Date())
        let key = APIKeyRecord(id: UUID(), publicID: "abc", name: "feed", scopes: ["usage:read", "projects:read"],
                               createdAt: Date(), expiresAt: nil, revokedAt: nil, lastUsedAt: nil)
        let same = ManifestPlan(manifest: manifest, live: .init(tenant: tenant, activeKeys: [key],
                                                               projects: ["A-1": manifest.projects[0]]))
        #expect(same.isEmpty)
        var renamed = manifest.projects[0]
        renamed.name = "Old name"
        let changed = ManifestPlan(manifest: manifest, live: .init(tenant: tenant, activeKeys: [],
                                                                  projects: ["A-1": renamed]))
        #expect(changed.changes == [.createKey(name: "feed", scopes: [.projectsRead, .usageRead]),
                                    .updateProject(code: "A-1", fields: ["name"])])
    }
}
