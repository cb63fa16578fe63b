public import Foundation
import PostgresNIO

/// Which member ids exist in the tenant (for references to members, such as a work item's assignee).
public struct MemberDirectory: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public func existing(_ ids: Set<UUID>) async throws -> Set<UUID> {
        var found: Set<UUID> = []
        let rows = try await scope.query(
            "select id from members where tenant_id = \(scope.tenantID) and id = any(\(Array(ids)))")
        for try await id in rows.decode(UUID.self) { found.insert(id) }
        return found
    }
}
