import Foundation
import Logging
import PostgresNIO

/// Which member ids exist in the tenant (for references to members, such as a work item's assignee).
public enum MemberDirectory {
    public static func existing(_ ids: Set<UUID>, tenantID: UUID, on connection: PostgresConnection,
                                logger: Logger) async throws -> Set<UUID> {
        var found: Set<UUID> = []
        let rows = try await connection.query(
            "select id from members where tenant_id = \(tenantID) and id = any(\(Array(ids)))", logger: logger)
        for try await id in rows.decode(UUID.self) { found.insert(id) }
        return found
    }
}
