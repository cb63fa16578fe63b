import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// Roles are named scope sets. The README's matrix must be the code's, and every
/// operation of the contract must let exactly the roles holding its declared scope through; the
/// operations come from openapi.yaml, so a new operation is checked without being listed here.
@Suite struct RoleMatrixTests {
    /// The README's "Roles" table: scope → roles with a tick.
    static func documentedMatrix() throws -> [Scope: Set<Role>] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("| scope | owner |") }, "README has no role matrix")
        let columns = lines[header].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst()
        let roles = try columns.map { try #require(Role(rawValue: $0), "unknown role \($0) in the README") }
        var matrix: [Scope: Set<Role>] = [:]
        for line in lines[(header + 2)...] {
            guard line.hasPrefix("| `") else { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let scope = try #require(Scope(rawValue: cells[0].trimmingCharacters(in: ["`"])), "unknown scope \(cells[0])")
            matrix[scope] = Set(zip(roles, cells.dropFirst()).filter { $0.1 == "✓" }.map(\.0))
        }
        return matrix
    }

    @Test func theReadmeMatrixIsTheCodes() throws {
        let documented = try Self.documentedMatrix()
        #expect(Set(documented.keys) == Set(Scope.allCases), "every scope has a row in the README")
        for scope in Scope.allCases {
            let granted = Set(Role.allCases.filter { $0.scopes.contains(scope) })
            #expect(documented[scope] == granted, "README row \(scope.rawValue)")
        }
    }

    @Test func everyOperationLetsThroughExactlyTheRolesHoldingItsScope() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("matrix").tenant
        var fixtures: [Role: MemberFixture] = [:]
        for role in Role.allCases { fixtures[role] = try await env.createMember(in: tenant, role: role) }
        let members = fixtures
        let catalog = try OperationCatalog.load(from: OperationCatalog.bundledDocument())
        let guarded = catalog.operations.compactMap { operation -> (OperationCatalog.Operation, Scope)? in
            if case .scope(let scope) = operation.access { return (operation, scope) }
            return nil
        }
        #expect(guarded.count >= 13)
        try await env.withApp { client in
            for (operation, scope) in guarded {
                // Any id: authorization is decided before the resource is looked up or the body read.
                let path = operation.path.replacing(/\{[^}]+\}/, with: UUID().uuidString.lowercased())
                let body = ["POST", "PATCH", "PUT"].contains(operation.method) ? "{}" : nil
                for role in Role.allCases {
                    let response = try await client.call(HTTPRequest.Method(operation.method)!, path,
                                                         auth: members[role]!.authorization, json: body)
                    let refused = response.status == .forbidden
                        && response.object["type"] as? String == "/problems/insufficient-scope"
                    #expect(refused == !role.scopes.contains(scope),
                            "\(operation.id) (\(scope.rawValue)) as \(role.rawValue): \(response.status) \(response.text.prefix(120))")
                }
            }
        }
    }
}
