/// Where each table goes on Citus, and in which order (docs/DEPLOYMENT.md, "Scaling out on Citus").
///
/// A table is *distributed* by `tenant_id` when it has that column and every unique key includes it
/// (Citus can only enforce a unique key within one shard, so a key without the distribution column
/// cannot hold). Every other table is a *reference* table, copied whole to every node: the platform's
/// own tables (`tenants`, operators, signing keys) and the directories whose keys are global on
/// purpose (an API key's public id, an invitation token, an SSO issuer and audience).
///
/// Order matters: a foreign key can only point at a table already placed, and reference tables come
/// first because distributed tables point at them (`tenant_id` → `tenants`). A reference table that
/// points at a distributed one cannot be placed at all.
public struct DistributionPlan: Sendable, Equatable {
    public enum Placement: String, Sendable, Equatable { case reference, distributed }

    /// What the catalog says about one table.
    public struct Table: Sendable, Equatable {
        public let name: String
        public let hasTenantColumn: Bool
        /// Unique keys (constraints or indexes) that leave `tenant_id` out.
        public let uniqueKeysWithoutTenant: [String]
        /// Tables its foreign keys point at.
        public let references: [String]

        public init(name: String, hasTenantColumn: Bool, uniqueKeysWithoutTenant: [String], references: [String]) {
            self.name = name
            self.hasTenantColumn = hasTenantColumn
            self.uniqueKeysWithoutTenant = uniqueKeysWithoutTenant
            self.references = references
        }

        public var placement: Placement {
            hasTenantColumn && uniqueKeysWithoutTenant.isEmpty ? .distributed : .reference
        }
    }

    public struct Step: Sendable, Equatable {
        public let table: String
        public let placement: Placement
    }

    /// A schema Citus cannot hold as it is; the message says which table and why.
    public struct Unplaceable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reference tables, then distributed ones, each group in foreign-key order (ties by name, so the
    /// plan is the same on every run).
    public let steps: [Step]

    public init(tables: [Table]) throws {
        let byName = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for table in tables where table.placement == .reference {
            let distributed = table.references.filter { byName[$0]?.placement == .distributed }
            if let target = distributed.first {
                throw Unplaceable(description: """
                    \(table.name) must be a reference table (\(Self.reason(table))) but refers to \(target), \
                    which is distributed by tenant_id; a reference table can only refer to reference tables
                    """)
            }
        }
        let reference = try Self.foreignKeyOrder(tables.filter { $0.placement == .reference }, known: byName)
        let distributed = try Self.foreignKeyOrder(tables.filter { $0.placement == .distributed }, known: byName)
        steps = reference.map { Step(table: $0, placement: .reference) }
            + distributed.map { Step(table: $0, placement: .distributed) }
    }

    private static func reason(_ table: Table) -> String {
        table.hasTenantColumn
            ? "unique key \(table.uniqueKeysWithoutTenant.joined(separator: ", ")) leaves tenant_id out"
            : "it has no tenant_id column"
    }

    /// Kahn's algorithm over the group's own foreign keys (those to other groups or to itself impose
    /// no order inside the group).
    private static func foreignKeyOrder(_ group: [Table], known: [String: Table]) throws -> [String] {
        let names = Set(group.map(\.name))
        var waitingOn: [String: Set<String>] = [:]
        for table in group {
            waitingOn[table.name] = Set(table.references.filter { $0 != table.name && names.contains($0) })
        }
        var ordered: [String] = []
        while !waitingOn.isEmpty {
            let ready = waitingOn.filter { $0.value.isEmpty }.keys.sorted()
            guard !ready.isEmpty else {
                throw Unplaceable(description: "foreign keys form a cycle among \(waitingOn.keys.sorted().joined(separator: ", "))")
            }
            for name in ready {
                ordered.append(name)
                waitingOn[name] = nil
            }
            for name in waitingOn.keys { waitingOn[name]?.subtract(ready) }
        }
        return ordered
    }
}
