@testable import API
import App
import Auth
import Domain
import Foundation
import Persistence
import Provisioning
import Testing
import TestSupport

/// Pure pieces of the outer modules: key format, URL redaction, manifests, the contract catalog.
@Suite struct APIKeyFormatTests {
    @Test func generatedKeysParseBackAndMatchOnlyTheirOwnHash() throws {
        let key = SecretToken.generate()
        #expect(key.token.hasPrefix("pmo_live_"))
        let parsed = try #require(SecretToken(token: key.token))
        #expect(parsed == key)
        #expect(parsed.matches(storedHash: key.secretHash))
        #expect(!SecretToken.generate().matches(storedHash: key.secretHash))
        #expect(key.secretHash.count == 32)
        #expect(key.secret.count == 52)  // 256 random bits in base32
    }

    @Test(arguments: ["", "pmo_live_", "pmo_test_abcdefghijkl_" + String(repeating: "a", count: 52),
                      "pmo_live_ABCDEFGHIJKL_" + String(repeating: "a", count: 52),
                      "pmo_live_abcdefghijkl_" + String(repeating: "a", count: 51),
                      "pmo_live_abcdefghijkl_" + String(repeating: "1", count: 52),
                      "pmo_live_abcdefghijkl-" + String(repeating: "a", count: 52),
                      "pmo_live_abcdefghijk_" + String(repeating: "a", count: 53),
                      "pmo_live_abcdefghijkl_" + String(repeating: "a", count: 51) + "é",
                      "pmo_live_abcdefghijkl_" + String(repeating: "a", count: 52) + " "])
    func malformedTokensAreRejected(_ token: String) {
        #expect(SecretToken(token: token) == nil)
    }
}

@Suite struct DatabaseURLTests {
    @Test func passwordsNeverAppearInTheDescription() throws {
        let url = try DatabaseURL(parsing: "postgres://owner:s3cr3t-pw@db.internal:6432/pmo")
        #expect(url.host == "db.internal")
        #expect(url.port == 6432)
        #expect(url.password == "s3cr3t-pw")
        #expect(!url.description.contains("s3cr3t-pw"))
        #expect(url.description == "postgres://owner:***@db.internal:6432/pmo")
        #expect(url.target == "db.internal:6432")
    }

    @Test func socketDirectoriesAreReadFromTheHostParameter() throws {
        let url = try DatabaseURL(parsing: "postgres://pmo_owner@localhost/pmo?host=/work/.pmo/run")
        #expect(url.socketDirectory == "/work/.pmo/run")
        #expect(url.target == "/work/.pmo/run/.s.PGSQL.5432")
        #expect(try DatabaseURL(parsing: url.connectionString).socketDirectory == "/work/.pmo/run")
    }

    @Test func sslModeFollowsLibpq() throws {
        #expect(try DatabaseURL(parsing: "postgres://u@db.internal/pmo").sslMode == .prefer)
        #expect(try DatabaseURL(parsing: "postgres://u@localhost/pmo?host=/run/pg").sslMode == .disable)
        #expect(try DatabaseURL(parsing: "postgres://u@db.internal/pmo?sslmode=verify-full").sslMode == .verifyFull)
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "postgres://u@db/pmo?sslmode=maybe") }
    }

    @Test(arguments: ["mysql://a@b/c", "postgres://localhost/pmo", "postgres://user@localhost/", "not a url"])
    func invalidURLsAreRefused(_ text: String) {
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: text) }
    }
}

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
        #expect(manifest.plan == .starter)
        #expect(manifest.status == nil)
        #expect(manifest.apiKeys == [.init(name: "feed", scopes: [.projectsRead, .usageRead])])
        #expect(manifest.projects.map(\.code) == ["A-1"])
    }

    @Test func errorsNameTheFieldAndLine() {
        #expect(throws: ManifestError(line: 4, field: "colour", message: "unknown field; expected one of apiKeys, name, plan, projects, slug, status")) {
            try TenantManifest.parse("slug: acme\nname: Acme\nplan: starter\ncolour: red\n")
        }
        #expect(throws: ManifestError(line: 6, field: "apiKeys[0].scopes", message: "unknown scope admin; known: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")) {
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
        let tenant = TenantRecord(id: TenantID(UUID()), slug: "acme", name: "Acme", plan: .starter, status: .active, createdAt: Date())
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

@Suite struct TimestampFormatTests {
    @Test func timestampsAreRFC3339InUTCWithWholeSeconds() throws {
        let transcoder = RFC3339Timestamps()
        #expect(try transcoder.encode(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(try transcoder.encode(Date(timeIntervalSince1970: 1_795_707_001.75)) == "2026-11-26T15:30:01Z")
        #expect(try transcoder.encode(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        #expect(try transcoder.decode(transcoder.encode(now)) == now)
    }
}

@Suite struct ContractCatalogTests {
    @Test func everyOperationDeclaresItsAccess() throws {
        let catalog = try OperationCatalog.load(from: OperationCatalog.bundledDocument())
        #expect(catalog.access["getProject"] == .scope(.projectsRead))
        #expect(catalog.access["createProject"] == .scope(.projectsWrite))
        #expect(catalog.access["getUsage"] == .scope(.usageRead))
        #expect(catalog.access["getHealth"] == .open)
        #expect(catalog.methods(forPath: "/v1/projects/CC-1").sorted() == ["DELETE", "GET", "PATCH"])
        #expect(catalog.methods(forPath: "/v1/unknown").isEmpty)
        #expect(catalog.methods(forPath: "/v1/members/me") == ["GET"], "the literal path, not {memberId}")
        #expect(catalog.methods(forPath: "/v1/members/me/tokens").sorted() == ["GET", "POST"])
    }

    @Test func anOperationWithoutAScopeIsRefused() {
        let document = """
            openapi: 3.1.0
            security: [{bearerAuth: []}]
            paths:
              /v1/things:
                get:
                  operationId: listThings
            """
        #expect(throws: OperationCatalog.Invalid.self) { try OperationCatalog.load(from: document) }
    }
}

@Suite struct AppConfigurationTests {
    let database = ["DATABASE_URL": "postgres://pmo_owner@db.internal/pmo", "SIGNING_KEY_ENCRYPTION_KEY": TestKeys.signingKeyEncryptionKey]

    @Test func serverThreadsDefaultToOnePerCoreAndAcceptACount() throws {
        #expect(try AppConfiguration.fromEnvironment(database).serverThreads == nil)
        #expect(try AppConfiguration.fromEnvironment(database.merging(["SERVER_THREADS": "0"]) { $1 }).serverThreads == nil)
        #expect(try AppConfiguration.fromEnvironment(database.merging(["SERVER_THREADS": "1"]) { $1 }).serverThreads == 1)
    }

    @Test(arguments: ["-1", "two", "257"])
    func invalidServerThreadsStopTheServerWithTheVariableNamed(_ value: String) {
        #expect {
            try AppConfiguration.fromEnvironment(database.merging(["SERVER_THREADS": value]) { $1 })
        } throws: { error in
            "\(error)".contains("SERVER_THREADS=\(value)")
        }
    }
}

@Suite struct TimestampTests {
    @Test func requestsMayUseAnyRFC3339FormResponsesUseWholeSecondsInUTC() throws {
        let transcoder = RFC3339Timestamps()
        let plain = try transcoder.decode("2026-11-26T15:30:00Z")
        #expect(try transcoder.decode("2026-11-26T16:30:00+01:00") == plain)
        #expect(try transcoder.decode("2026-11-26T15:30:00.250Z").timeIntervalSince(plain) == 0.25)
        #expect(try transcoder.encode(plain.addingTimeInterval(0.9)) == "2026-11-26T15:30:00Z")
        #expect(throws: (any Error).self) { try transcoder.decode("26 Nov 2026") }
    }
}

extension AppConfigurationTests {
    @Test func failedAuthenticationLimitsAreConfigurable() throws {
        let defaults = try AppConfiguration.fromEnvironment(database).authThrottle
        #expect(defaults.perAddress == 30 && defaults.perKeyPrefix == 10)
        let set = try AppConfiguration.fromEnvironment(database.merging(["AUTH_FAILURES_PER_ADDRESS": "100",
                                                                         "AUTH_FAILURES_PER_KEY": "5"]) { $1 })
        #expect(set.authThrottle.perAddress == 100 && set.authThrottle.perKeyPrefix == 5)
        #expect(throws: (any Error).self) {
            try AppConfiguration.fromEnvironment(database.merging(["AUTH_FAILURES_PER_KEY": "0"]) { $1 })
        }
        let off = try AppConfiguration.fromEnvironment(database.merging(["AUTH_FAILURES_PER_ADDRESS": "0"]) { $1 })
        #expect(off.authThrottle.perAddress == 0, "0 turns the per-address limit off (behind a proxy)")
    }
}
