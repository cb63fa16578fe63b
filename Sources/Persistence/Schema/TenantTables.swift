public import Foundation
public import Logging
public import PostgresNIO

/// Every table that holds a tenant's rows (it has a `tenant_id` column), read from the catalog so
/// that a table added by a later migration is never missed by an export or an erasure.
public enum TenantTables {
    /// The tables in foreign-key order: each after the tables it refers to (so rows can be written
    /// in this order and deleted in the reverse one).
    public static func inForeignKeyOrder(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let tables = try await CitusDistributor.tables(connection, logger: logger)
        let holdingTenants = Set(tables.filter(\.hasTenantColumn).map(\.name))
        return try DistributionPlan(tables: tables).steps.map(\.table).filter(holdingTenants.contains)
    }

    /// The columns of `table` an export leaves out: secret hashes (`*_hash`), and an export's own
    /// archive (`data_exports.archive`), which would otherwise nest every earlier export in the next.
    public static func omittedColumns(of table: String, _ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let rows = try await connection.query("""
            select a.attname from pg_attribute a
            where a.attrelid = ('public.' || \(table))::regclass and a.attnum > 0 and not a.attisdropped
              and (a.attname like '%\\_hash' or (\(table) = 'data_exports' and a.attname = 'archive'))
            order by a.attnum
            """, logger: logger)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    /// Those of `tables` the connection's role may read: all of them for the owner; for the
    /// server's role, all but the global credential directories (`*_directory`), which only
    /// SECURITY DEFINER functions read and whose rows repeat what the tenant's own tables hold.
    public static func readable(_ tables: [String], _ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let rows = try await connection.query("""
            select t from unnest(\(tables)::text[]) with ordinality as u(t, n)
            where has_table_privilege('public.' || quote_ident(t), 'select') order by n
            """, logger: logger)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    /// How many rows of the tenant each table holds, in the order given.
    public static func rowCounts(of tenant: UUID, in tables: [String], _ connection: PostgresConnection,
                                 logger: Logger) async throws -> [(table: String, rows: Int64)] {
        var counts: [(table: String, rows: Int64)] = []
        for table in tables {
            let rows = try await connection.query(
                "select count(*) from \(unescaped: Self.quoted(table)) where tenant_id = \(tenant)", logger: logger)
            for try await count in rows.decode(Int64.self) { counts.append((table, count)) }
        }
        return counts
    }

    /// A catalog name as an SQL identifier.
    public static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
