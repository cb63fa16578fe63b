import Logging
public import PostgresNIO

/// Places every table of the schema on Citus as `DistributionPlan` says: reference tables with
/// `create_reference_table`, tenant tables with `create_distributed_table(…, 'tenant_id')` in one
/// colocation group (so a join or a foreign key between two tenant tables stays on one shard).
/// Tables already placed are left as they are, so running it again, or after a migration that added a
/// table, places only what is new.
public enum CitusDistributor {
    /// One table the run looked at.
    public struct Placed: Sendable, Equatable {
        public let table: String
        public let placement: DistributionPlan.Placement
        /// False when the table had been placed by an earlier run.
        public let placedNow: Bool
    }

    /// Whether the database is a Citus coordinator (the extension is installed in it).
    public static func isCitus(_ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("select exists (select from pg_extension where extname = 'citus')", logger: logger)
        for try await present in rows.decode(Bool.self) { return present }
        return false
    }

    /// Places what is not placed yet, inside the caller's transaction; nil when the database is not
    /// Citus. The settings it needs are local to that transaction.
    public static func distribute(_ connection: PostgresConnection, logger: Logger) async throws -> [Placed]? {
        guard try await isCitus(connection, logger: logger) else { return nil }
        // DDL on tables that refer to reference tables must run over one connection per node, and a
        // table that refers to `tenants` must stay a candidate for distribution (by default Citus
        // would turn it into a local table on the coordinator, and with it everything below).
        try await connection.query("set local citus.multi_shard_modify_mode = 'sequential'", logger: logger)
        try await connection.query("set local citus.enable_local_reference_table_foreign_keys = off", logger: logger)

        let plan = try DistributionPlan(tables: try await tables(connection, logger: logger))
        let placed = try await placedTables(connection, logger: logger)
        var report: [Placed] = []
        for step in plan.steps {
            if placed.contains(step.table) {
                report.append(Placed(table: step.table, placement: step.placement, placedNow: false))
                continue
            }
            switch step.placement {
            case .reference:
                try await connection.query("select create_reference_table(\(step.table)::regclass)", logger: logger)
            case .distributed:
                try await connection.query("""
                    select create_distributed_table(\(step.table)::regclass, 'tenant_id', colocate_with => 'default')
                    """, logger: logger)
            }
            logger.info("placed table on Citus", metadata: ["table": "\(step.table)", "placement": "\(step.placement.rawValue)"])
            report.append(Placed(table: step.table, placement: step.placement, placedNow: true))
        }
        return report
    }

    /// The application's tables (schema `public`) as the plan needs them.
    static func tables(_ connection: PostgresConnection, logger: Logger) async throws -> [DistributionPlan.Table] {
        let rows = try await connection.query("""
            select c.relname,
                   exists (select from pg_attribute a
                           where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped),
                   array(select i.indexrelid::regclass::text from pg_index i
                         where i.indrelid = c.oid and i.indisunique
                           and not exists (select from pg_attribute a
                                           where a.attrelid = c.oid and a.attname = 'tenant_id'
                                             and a.attnum = any (i.indkey::int2[]))
                         order by 1),
                   array(select distinct f.confrelid::regclass::text from pg_constraint f
                         where f.conrelid = c.oid and f.contype = 'f' order by 1)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
            order by c.relname
            """, logger: logger)
        var tables: [DistributionPlan.Table] = []
        for try await (name, hasTenant, uniqueWithout, references) in rows.decode((String, Bool, [String], [String]).self) {
            tables.append(.init(name: name, hasTenantColumn: hasTenant, uniqueKeysWithoutTenant: uniqueWithout,
                                references: references))
        }
        return tables
    }

    private static func placedTables(_ connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        let rows = try await connection.query("select logicalrelid::regclass::text from pg_dist_partition", logger: logger)
        var names: Set<String> = []
        for try await name in rows.decode(String.self) { names.insert(name) }
        return names
    }
}
