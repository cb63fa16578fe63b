import Domain
import Foundation
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// docs/ARCHITECTURE.md rules 2 and 3 at the SQL level, with the server's role.
@Suite struct DatabaseIsolationTests {
    @Test func allMigrationsApplyToAnEmptyDatabaseAndASecondRunDoesNothing() async throws {
        let name = try await TestCluster.shared.emptyDatabase()
        let url = try TestCluster.ownerURL(database: name)
        try await withDatabase(url, logger: TestCluster.logger) { database in
            let migrator = Migrator(database: database, migrations: try Migration.bundled())
            #expect(try await migrator.pending().count == Migration.bundled().count)
            let applied = try await migrator.migrate()
            #expect(applied.map(\.version) == (try Migration.bundled().map(\.version)))
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await migrator.pending().isEmpty)
        }
    }

    @Test func appRoleSeesNoRowsWithoutATenant() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("iso-a")
        _ = try await env.createTenant("iso-b")
        try await env.withOwner { database in
            try await database.tenantTransaction(a.tenant.id) { scope in
                _ = try await ProjectStore(scope)
                    .insert(id: UUID(), fields: ProjectFields(code: "P1", name: "P", currency: "EUR"), at: Date())
            }
        }
        try await env.withApp { database in
            for table in ["projects", "api_keys", "tenants", "audit_events", "idempotency_keys", "usage_counters",
                          "members", "api_clients"] {
                let rows = try await database.query(
                    "select count(*)::int from \(unescaped: table)")
                for try await count in rows.decode(Int.self) { #expect(count == 0, "\(table) leaked \(count) rows") }
            }
            // The directories (public id or SSO issuer -> tenant) are readable only through
            // pmo.begin_key_request, pmo.begin_invitation and pmo.sso_config_for.
            for directory in ["api_key_directory", "invitation_directory", "sso_directory"] {
                do {
                    try await database.query("select count(*) from \(unescaped: directory)")
                    Issue.record("the app role could read \(directory)")
                } catch let error as PSQLError {
                    #expect(error.sqlState == SQLState.insufficientPrivilege)
                }
            }
            // With tenant B set, A's project is invisible too.
            let seen = try await database.tenantTransaction(try await env.tenantID("iso-b")) { scope in
                // Naming A's tenant in the statement does not get past B's row-level security.
                try await ProjectStore(TenantScope(connection: scope.connection, tenantID: a.tenant.id, logger: scope.logger))
                    .find(.code("P1"))
            }
            #expect(seen == nil)
        }
    }

    @Test func appRoleCannotWriteAnotherTenantsRows() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("iso-c")
        let b = try await env.createTenant("iso-d")
        do {
            try await env.withApp { database in
                try await database.tenantTransaction(b.tenant.id) { scope in
                    _ = try await ProjectStore(TenantScope(connection: scope.connection, tenantID: a.tenant.id,
                                                           logger: scope.logger))
                        .insert(id: UUID(), fields: ProjectFields(code: "P1", name: "P", currency: "EUR"), at: Date())
                }
            }
            Issue.record("the insert for another tenant was accepted")
        } catch let error as PSQLError {
            // "new row violates row-level security policy"
            #expect(error.sqlState == SQLState.insufficientPrivilege)
        }
        #expect(try await env.count("projects") == 0)
    }

    @Test func auditRowsAreAppendOnlyForTheAppRole() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("iso-e")
        try await env.withApp { database in
            try await database.tenantTransaction(a.tenant.id) { scope in
                try await AuditLog(scope).record(
                    AuditEntry(actor: .apiKey(a.keyID), operation: "test", resourceType: "project", resourceID: UUID(),
                               requestID: nil, changedFields: []),
                    id: UUID(), at: Date())
            }
            for statement: PostgresQuery in ["update audit_events set operation = 'x'", "delete from audit_events"] {
                do {
                    try await database.tenantTransaction(a.tenant.id) { scope in
                        try await scope.query(statement)
                    }
                    Issue.record("the app role could run: \(statement.sql)")
                } catch let error as PSQLError {
                    #expect(error.sqlState == SQLState.insufficientPrivilege)
                }
            }
        }
        #expect(try await env.apiAudits() == 1)
    }

    @Test func appRoleOwnsNothingAndCannotBypassRowSecurity() async throws {
        let env = try await TestEnvironment()
        try await env.withApp { database in
            let rows = try await database.query("""
                select r.rolbypassrls, r.rolsuper,
                       (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace)
                from pg_roles r where r.rolname = current_user
                """)
            for try await (bypass, superuser, owned) in rows.decode((Bool, Bool, Int).self) {
                #expect(!bypass)
                #expect(!superuser)
                #expect(owned == 0)
            }
        }
    }

    @Test func everyTenantTableForcesRowLevelSecurity() async throws {
        let env = try await TestEnvironment()
        try await env.withOwner { database in
            let rows = try await database.query("""
                select c.relname, c.relrowsecurity, c.relforcerowsecurity,
                       exists (select from pg_policy p where p.polrelid = c.oid)
                from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
                where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
                  -- Platform routing (public id or SSO issuer -> tenant), read before any tenant is known.
                  and c.relname not in ('api_key_directory', 'invitation_directory', 'sso_directory')
                """)
            var tables: [String] = []
            for try await (name, enabled, forced, hasPolicy) in rows.decode((String, Bool, Bool, Bool).self) {
                tables.append(name)
                #expect(enabled && forced && hasPolicy, "\(name) is not protected by a forced policy")
            }
            #expect(tables.count >= 6)
            #expect(tables.contains("members"))
        }
    }
}

extension TestEnvironment {
    func tenantID(_ slug: String) async throws -> TenantID {
        try await withOwner { try await TenantStore(database: $0).find(slug: slug).id }
    }
}
