import Persistence
import Testing

@Suite("Where each table goes on Citus")
struct DistributionPlanTests {
    typealias Table = DistributionPlan.Table

    @Test("tenant tables are distributed; platform tables and global directories are reference tables, placed first")
    func placements() throws {
        let plan = try DistributionPlan(tables: [
            Table(name: "projects", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: ["tenants", "programmes"]),
            Table(name: "tenants", hasTenantColumn: false, uniqueKeysWithoutTenant: ["tenants_pkey"], references: []),
            Table(name: "programmes", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: ["tenants"]),
            Table(name: "api_key_directory", hasTenantColumn: true, uniqueKeysWithoutTenant: ["api_key_directory_pkey"],
                  references: ["tenants"]),
        ])
        #expect(plan.steps.map(\.table) == ["tenants", "api_key_directory", "programmes", "projects"])
        #expect(plan.steps.map(\.placement) == [.reference, .reference, .distributed, .distributed])
    }

    @Test("a table is placed after every table its foreign keys point at; a self-reference imposes nothing")
    func foreignKeyOrder() throws {
        let plan = try DistributionPlan(tables: [
            Table(name: "a_items", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: ["c_sprints", "a_items"]),
            Table(name: "c_sprints", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: ["b_projects"]),
            Table(name: "b_projects", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: []),
        ])
        #expect(plan.steps.map(\.table) == ["b_projects", "c_sprints", "a_items"])
    }

    @Test("a reference table that refers to a distributed table is refused, naming both and why")
    func unplaceable() {
        #expect {
            try DistributionPlan(tables: [
                Table(name: "projects", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: []),
                Table(name: "directory", hasTenantColumn: true, uniqueKeysWithoutTenant: ["directory_token_key"],
                      references: ["projects"]),
            ])
        } throws: { error in
            let text = "\(error)"
            return text.contains("directory must be a reference table") && text.contains("directory_token_key")
                && text.contains("refers to projects")
        }
    }

    @Test("a foreign-key cycle is refused, naming the tables in it")
    func cycle() {
        #expect {
            try DistributionPlan(tables: [
                Table(name: "x", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: ["y"]),
                Table(name: "y", hasTenantColumn: true, uniqueKeysWithoutTenant: [], references: ["x"]),
            ])
        } throws: { "\($0)".contains("cycle among x, y") }
    }
}
