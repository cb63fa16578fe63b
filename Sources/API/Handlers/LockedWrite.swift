import Foundation
import Persistence

extension APIHandler {
    /// The shape every PATCH and DELETE shares: in one transaction, find the resource locked (404
    /// when it is not the caller's), check `If-Match` (412 when stale), then do the write.
    func lockedWrite<Record: Sendable, Result: Sendable>(
        _ what: String, find: @escaping (TenantSession.Context) async throws -> Record?, version: @escaping (Record) -> Int64,
        _ work: @escaping (TenantSession.Context, Record) async throws -> Result
    ) async throws -> Result {
        let ifMatch = RequestScope.ifMatch
        return try await session.run { context in
            guard let current = try await find(context) else { throw APIProblem.notFound(what) }
            try Preconditions.check(ifMatch, currentVersion: version(current))
            return try await work(context, current)
        }
    }

    /// The names of the fields whose flag is set: what a PATCH changed, for the audit log.
    static func changedFields(_ fields: [(String, Bool)]) -> [String] { fields.filter(\.1).map(\.0) }
}
