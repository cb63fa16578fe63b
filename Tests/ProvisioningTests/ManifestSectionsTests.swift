@testable import Auth
import Domain
import Foundation
import Persistence
import Provisioning
import Testing

/// The manifest's sections beyond projects and keys, the examples in tenants/, the guide's lists
/// checked against the code, and the writer that `tenant export` uses.
@Suite struct ManifestSectionsTests {
    static let tenantsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tenants")

    static func example(_ name: String) throws -> String {
        try String(contentsOf: tenantsDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func theExamplesParse() throws {
        let demo = try TenantManifest.parse(try Self.example("demo.yaml"))
        #expect(demo.slug == "demo")
        let northwind = try TenantManifest.parse(try Self.example("northwind-contact-centre.yaml"))
        #expect(northwind.status == .onboarding)
        #expect(northwind.members.map(\.email) == ["head.of.pmo@northwind.example", "programme.office@northwind.example",
                                                   "site.lead@northwind.example", "internal.audit@northwind.example"])
        #expect(northwind.members.first?.role == .owner)
        #expect(northwind.apiClients.map(\.name) == ["crm-sync", "wfm-feed"])
        #expect(northwind.sso?.keys == .url("https://login.northwind.example/.well-known/jwks.json"))
        #expect(northwind.sso?.emailClaim == "email")
        #expect(northwind.templates == ["Contact-centre site set-up (2,000 seats)", "Service transition"])
        #expect(northwind.calendar?.workingWeekdays == [1, 2, 3, 4, 5])
        #expect(northwind.calendar?.holidays.count == 8)
        #expect(northwind.projects.map(\.code) == ["NW-LEEDS", "NW-TRANSITION"])
    }

    /// tenants/README.md documents every field the parser allows, every role and every tenant
    /// scope: a new one in the code without a line in the guide fails here.
    @Test func theGuideListsWhatTheCodeAllows() throws {
        let guide = try Self.example("README.md")
        let block = try #require(guide.components(separatedBy: "```yaml").dropFirst().first?.components(separatedBy: "```").first)
        let documented = Set(block.split(separator: "\n").compactMap { line -> String? in
            let text = line.drop { $0 == " " || $0 == "-" || $0 == "#" }
            guard let colon = text.firstIndex(of: ":") else { return nil }
            return String(text[..<colon])
        })
        for (section, fields) in TenantManifest.fields {
            for field in fields {
                #expect(documented.contains(field), "tenants/README.md does not show \(section.isEmpty ? "" : section + ".")\(field)")
            }
        }
        let roles = Role.allCases.map(\.rawValue).joined(separator: " | ")
        #expect(block.contains("# required; \(roles)"), "the role line lists \(roles)")
        let statuses = TenantManifest.settableStatuses.map(\.rawValue).joined(separator: " | ")
        #expect(block.contains("# optional; \(statuses)"), "the status line lists \(statuses)")
        let scopeParagraph = try #require(guide.components(separatedBy: "Scopes a key or client may hold:").dropFirst().first?
            .components(separatedBy: "(Platform").first)
        let listed = scopeParagraph.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(listed == TenantManifest.tenantScopes.map(\.rawValue))
    }

    @Test func badSectionsNameTheirField() {
        let head = "slug: acme\nname: Acme\nplan: starter\n"
        let cases: [(String, String)] = [
            ("members:\n  - email: nobody\n    role: owner\n", "members[0].email"),
            ("members:\n  - email: a@b.example\n    role: boss\n", "members[0].role"),
            ("members:\n  - email: a@b.example\n    role: owner\n  - email: A@b.example\n    role: viewer\n", "members[1].email"),
            ("apiClients:\n  - name: x\n    scopes: [platform:admin]\n", "apiClients[0].scopes"),
            ("apiClients:\n  - name: x\n    scopes: []\n", "apiClients[0].scopes"),
            ("sso:\n  issuer: https://idp.example/\n  audience: pmo\n", "sso.jwksUrl"),
            ("sso:\n  issuer: https://idp.example/\n  audience: pmo\n  jwksUrl: http://idp.example/keys\n", "sso.jwksUrl"),
            ("sso:\n  issuer: has space\n  audience: pmo\n  jwksUrl: https://idp.example/keys\n", "sso.issuer"),
            ("sso:\n  issuer: https://idp.example/\n  audience: pmo\n  jwks: not json\n", "sso.jwks"),
            ("templates: [Scrum project, Scrum project]\n", "templates"),
            ("settings:\n  workingWeekdays: [0, 1]\n", "settings.workingWeekdays"),
            ("settings:\n  workingWeekdays: []\n", "settings.workingWeekdays"),
            ("settings:\n  holidays: [next tuesday]\n", "settings.holidays"),
            ("settings:\n  timezone: UTC\n", "settings.timezone"),
            ("status: offboarding\n", "status"),
        ]
        for (text, field) in cases {
            do {
                _ = try TenantManifest.parse(head + text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.field == field, "\(text) → \(error)")
                #expect(error.line != nil, "\(error)")
            }
        }
    }

    /// What `tenant export` writes reads back to the same manifest, text that YAML would take for
    /// something else included.
    @Test func theWriterRoundTrips() throws {
        var manifest = try TenantManifest.parse(try Self.example("northwind-contact-centre.yaml"))
        manifest.projects[0].sponsor = "null"
        manifest.projects[1].manager = "yes"
        manifest.apiKeys.append(.init(name: "42", scopes: [.usageRead]))
        manifest.sso = SSOConfigFields(issuer: "https://idp.example/", audience: "pmo",
                                       keys: .inline(#"{"keys":[{"kty":"RSA","kid":"a: b # c"}]}"#), emailClaim: "upn")
        let text = try manifest.yaml()
        #expect(try TenantManifest.parse(text) == manifest, "\(text)")
        #expect(text.hasPrefix("slug: northwind-cc\nname: Northwind Contact Centres plc\nplan: professional\nstatus: onboarding\n"))
    }

    @Test func theNewSectionsPlanAgainstTheLiveTenant() throws {
        let manifest = try TenantManifest.parse(try Self.example("northwind-contact-centre.yaml"))
        let tenant = TenantRecord(id: TenantID(UUID()), slug: "northwind-cc", name: "Northwind Contact Centres plc",
                                  plan: "professional", status: .onboarding, createdAt: Date())
        let now = Date()
        func member(_ email: String, _ role: Role) -> MemberRecord {
            MemberRecord(id: UUID(), email: email, name: nil, role: role, status: .active, invitationExpiresAt: nil,
                         activatedAt: now, deactivatedAt: nil, version: 1, createdAt: now, updatedAt: now)
        }
        let owner = member("head.of.pmo@northwind.example", .owner)
        let office = member("programme.office@northwind.example", .viewer)
        let client = ClientRecord(id: UUID(), name: "crm-sync", scopes: [.projectsRead], status: .active, disabledAt: nil,
                                  lastUsedAt: nil, version: 1, createdAt: now, updatedAt: now)
        let sso = SSOConfigRecord(id: UUID(), issuer: "https://login.northwind.example/", audience: "other",
                                  jwksURL: "https://login.northwind.example/.well-known/jwks.json", jwks: nil,
                                  emailClaim: "email", version: 1, createdAt: now, updatedAt: now)
        let live = ManifestPlan.LiveState(
            tenant: tenant, members: [owner, office], clients: [client], sso: sso,
            templateNames: ["Service transition"], calendar: WorkingCalendar(holidays: manifest.calendar!.holidays))
        let plan = ManifestPlan(manifest: manifest, live: live)
        #expect(plan.changes == [
            .setMemberRole(email: "programme.office@northwind.example", from: .viewer, to: .pmoAdmin),
            .inviteMember(email: "site.lead@northwind.example", role: .projectManager),
            .inviteMember(email: "internal.audit@northwind.example", role: .auditor),
            .createKey(name: "board-reporting", scopes: [.projectsRead, .usageRead, .governanceRead].sorted()),
            .setClientScopes(name: "crm-sync", from: [.projectsRead], to: [.projectsRead, .projectsWrite].sorted()),
            .createClient(name: "wfm-feed", scopes: [.governanceRead, .governanceWrite].sorted()),
            .updateSSO(fields: ["audience"]),
            .seedTemplate(name: "Contact-centre site set-up (2,000 seats)"),
            .createProject(code: "NW-LEEDS"),
            .createProject(code: "NW-TRANSITION"),
        ])
        #expect(plan.changes.map(\.description).contains("~ member programme.office@northwind.example role: viewer → pmo_admin"))
    }

    /// Two inline key sets are the same when they are the same JSON, whatever the spacing and order.
    @Test func anInlineKeySetComparesAsJSON() {
        let stored = SSOConfigRecord(id: UUID(), issuer: "i", audience: "a", jwksURL: nil,
                                     jwks: #"{"keys": [{"kid": "1", "kty": "RSA"}]}"#, emailClaim: "email",
                                     version: 1, createdAt: Date(), updatedAt: Date())
        let same = TenantManifest(slug: "s1", name: "S", plan: "starter", sso: SSOConfigFields(
            issuer: "i", audience: "a", keys: .inline(#"{"keys":[{"kty":"RSA","kid":"1"}]}"#), emailClaim: "email"))
        #expect(ManifestPlan(manifest: same, live: .init(tenant: nil, sso: stored)).changes == [.createTenant(slug: "s1", plan: "starter")])
        let tenant = TenantRecord(id: TenantID(UUID()), slug: "s1", name: "S", plan: "starter", status: .active, createdAt: Date())
        #expect(ManifestPlan(manifest: same, live: .init(tenant: tenant, sso: stored)).isEmpty)
        var other = same
        other.sso?.keys = .inline(#"{"keys":[{"kty":"RSA","kid":"2"}]}"#)
        #expect(ManifestPlan(manifest: other, live: .init(tenant: tenant, sso: stored)).changes == [.updateSSO(fields: ["jwks"])])
    }
}
