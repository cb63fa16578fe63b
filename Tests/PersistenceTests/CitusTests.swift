import Domain
import Foundation
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// What only a Citus cluster can show (run by ./infra/test-citus; skipped on a single node): where the
/// tables went, that a statement with the tenant bound reaches one shard, and that a later migration's
/// table is placed by the migrator.
@Suite(.enabled(if: TestCluster.isCitus, "needs a Citus cluster: ./infra/test-citus"))
struct CitusTests {
    /// Platform tables (the plan catalogue among them) and the directories whose keys are global on purpose.
    static let referenceTables: Set<String> = [
        "tenants", "operators", "operator_keys", "platform_templates", "signing_keys", "plans",
        "api_key_directory", "invitation_directory", "sso_directory",
    ]

    @Test func everyTableIsPlacedTenantTablesInOneColocationGroup() async throws {
        let environment = try await TestEnvironment()
        try await environment.withOwner { database in
            let rows = try await database.query("""
                select c.relname, p.partmethod::text, p.colocationid
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                left join pg_dist_partition p on p.logicalrelid = c.oid
                where n.nspname = 'public' and c.relkind = 'r'
                """)
            var reference: Set<String> = [], distributed: Set<String> = [], unplaced: [String] = []
            var groups: Set<Int> = []
            for try await (table, method, group) in rows.decode((String, String?, Int?).self) {
                switch method {
                case "n": reference.insert(table)
                case "h": distributed.insert(table); groups.insert(group ?? -1)
                default: unplaced.append(table)
                }
            }
            #expect(unplaced.isEmpty, "tables left on the coordinator alone: \(unplaced)")
            #expect(reference == Self.referenceTables)
            #expect(distributed.count >= 36, "\(distributed.count) distributed")
            #expect(groups.count == 1, "colocation groups: \(groups)")
        }
    }

    /// EXPLAIN of the statements the busiest endpoints send, with the tenant bound as the stores bind
    /// it: each must be routed to one shard. The plans are printed for the record.
    @Test func aKeyedReadAListAndAWriteWithTheTenantBoundReachOneShard() async throws {
        let environment = try await TestEnvironment()
        let fixture = try await environment.createTenant("explain")
        let tenant = fixture.tenant.id.uuid.uuidString.lowercased()
        let project = UUID().uuidString.lowercased()
        let statements = [
            "keyed read": "select \(ProjectStore.columns) from projects where tenant_id = '\(tenant)' and id = '\(project)'",
            "list": """
                select \(ProjectStore.columns) from projects where tenant_id = '\(tenant)'
                and id > '00000000-0000-0000-0000-000000000000' order by id limit 50
                """,
            "write": """
                update projects set name = 'Renamed', version = version + 1, updated_at = now()
                where tenant_id = '\(tenant)' and id = '\(project)' returning \(ProjectStore.columns)
                """,
        ]
        try await environment.withOwner { database in
            for (name, statement) in statements.sorted(by: { $0.key < $1.key }) {
                var plan: [String] = []
                for try await line in try await database.query(PostgresQuery(unsafeSQL: "explain " + statement)).decode(String.self) {
                    plan.append(line)
                }
                print("EXPLAIN \(name):\n" + plan.joined(separator: "\n"))
                #expect(plan.contains { $0.contains("Task Count: 1") }, "\(name): \(plan)")
            }
        }
    }

    @Test func aLaterMigrationsTableIsDistributedByTheMigratorAndServesTheAppRole() async throws {
        let environment = try await TestEnvironment(unmigrated: ())
        let probe = Migration(version: 9999, name: "9999_citus_probe", sql: """
            create table citus_probe (
                tenant_id uuid not null references tenants (id),
                id uuid not null,
                note text not null,
                primary key (tenant_id, id));
            select pmo.isolate_by_tenant('citus_probe');
            grant select, insert on citus_probe to pmo_app;
            """)
        let bundled = try Migration.bundled()
        try await environment.withOwner { database in
            try await Migrator(database: database, migrations: bundled).migrate()
            let applied = try await Migrator(database: database, migrations: bundled + [probe]).migrate()
            #expect(applied.map(\.name) == ["9999_citus_probe"])
            let placement = try await database.query(
                "select partmethod::text from pg_dist_partition where logicalrelid = 'citus_probe'::regclass")
            var methods: [String] = []
            for try await method in placement.decode(String.self) { methods.append(method) }
            #expect(methods == ["h"])
        }
        let fixture = try await environment.createTenant("probe")
        let other = try await environment.createTenant("probe-other")
        try await environment.withApp { database in
            try await database.tenantTransaction(fixture.tenant.id) { scope in
                try await scope.query("insert into citus_probe (tenant_id, id, note) values (\(fixture.tenant.id), \(UUID()), 'mine')")
            }
            let seen = try await database.tenantTransaction(other.tenant.id) { scope in
                try await scope.query("select count(*) from citus_probe").collect().first?.decode(Int.self) ?? -1
            }
            #expect(seen == 0, "another tenant sees the row")
            let own = try await database.tenantTransaction(fixture.tenant.id) { scope in
                try await scope.query("select count(*) from citus_probe").collect().first?.decode(Int.self) ?? -1
            }
            #expect(own == 1)
        }
    }
}
