import APIDefinition
import Domain
import Foundation
import OpenAPIRuntime
import Persistence

/// The tenant's audit log: a filtered page, or everything as a stream of NDJSON.
extension APIHandler {
    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let q = input.query
        let limit = try Pagination.limit(q.limit)
        let cursor = try Pagination.decode(cursor: q.cursor)
        let filter = try AuditMapping.filter(actorType: q.actorType?.rawValue, actorID: q.actorId, operation: q.operation,
                                             resourceType: q.resourceType, resourceID: q.resourceId, from: q.from, to: q.to)
        let page = try await session.run { context in
            try await AuditLog(context.scope).page(filter, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: try items.map(AuditMapping.resource), nextCursor: next))))
    }

    func exportAuditEvents(_ input: Operations.ExportAuditEvents.Input) async throws -> Operations.ExportAuditEvents.Output {
        let q = input.query
        let filter = try AuditMapping.filter(actorType: q.actorType?.rawValue, actorID: q.actorId, operation: q.operation,
                                             resourceType: q.resourceType, resourceID: q.resourceId, from: q.from, to: q.to)
        // The first page is read here, so a refused credential is an ordinary 401/403 response; the
        // rest is read as the client consumes the stream.
        let pages = AuditExport(session: session, filter: filter, scope: RequestScope.current)
        let first = try await pages.page(after: nil)
        let body = HTTPBody(AuditExport.Lines(export: pages, first: first), length: .unknown, iterationBehavior: .single)
        return .ok(.init(body: .applicationXNdjson(body)))
    }
}
