@testable import API
import Domain
import Testing

/// What the server reads from its own contract at start-up.
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
