import Domain
import Foundation
import Persistence

/// The steps every read, list, create, PATCH and DELETE of a resource shares, once. A handler
/// decodes its input, calls one of these with its resource's kind and its own rules, and wraps the
/// result in its generated output type.
extension APIHandler {
    /// One resource by its path id, with its `ETag`.
    func read<Store, Wire>(_ kind: ResourceKind<Store, Wire>, _ idText: String) async throws -> (Wire, etag: String) {
        let id = try kind.id(idText)
        let row = try await session.run { context in try await kind.store(context).find(id) }
        guard let row else { throw kind.notFound(idText) }
        return (kind.render(row), Preconditions.etag(version: row.version))
    }

    /// A page in creation order and the cursor of the next one.
    func list<Store, Wire>(_ kind: ResourceKind<Store, Wire>, limit requested: Int?,
                           cursor text: String?) async throws -> (items: [Wire], nextCursor: String?) {
        let limit = try Pagination.limit(requested)
        let cursor = try Pagination.decode(cursor: text)
        let rows = try await session.run { context in try await kind.store(context).page(after: cursor, limit: limit + 1) }
        let (items, next) = Pagination.split(rows, limit: limit, id: \.id)
        return (items.map(kind.render), next)
    }

    /// A create in one transaction, honouring `Idempotency-Key` (see `idempotentCreate`): `insert`
    /// writes the row; every field of the kind is audited under `operation`.
    func create<Store, Wire: VersionedWire>(
        _ kind: ResourceKind<Store, Wire>, operation: String, location: @escaping (Store.Row) -> String,
        _ insert: (TenantSession.Context, Store) async throws -> Store.Row
    ) async throws -> (Created<Wire>, etag: String) {
        let created = try await idempotentCreate(operation) { context in
            let row = try await insert(context, try await kind.store(context))
            try await audit(context, operation, kind.auditType, row.id, changed: kind.fields.map(\.name))
            return Created(resource: kind.render(row), location: location(row))
        }
        return (created, Preconditions.etag(version: created.resource.version))
    }

    /// A conditional write of one resource: in one transaction, find it locked (404 when it is not
    /// the caller's), check `If-Match` (412 when stale), let `apply` compute the next version (its
    /// rules may refuse it), and write and audit it under `operation` only if a field changed.
    func update<Store: UpdatableTable, Wire>(
        _ kind: ResourceKind<Store, Wire>, _ idText: String, operation: String,
        _ apply: (TenantSession.Context, Store.Row, Store) async throws -> Store.Row
    ) async throws -> (Wire, etag: String) {
        let id = try kind.id(idText)
        let row = try await lockedWrite(kind, idText, id) { context, store, current in
            let next = try await apply(context, current, store)
            let changed = kind.changed(from: current, to: next)
            guard !changed.isEmpty else { return current }
            let updated = try await store.update(next, at: context.environment.now())
            try await audit(context, operation, kind.auditType, id, changed: changed)
            return updated
        }
        return (kind.render(row), Preconditions.etag(version: row.version))
    }

    /// A conditional delete: found locked (404), `If-Match` checked (412), `check` may refuse it,
    /// then deleted and audited under `operation`.
    func delete<Store, Wire>(
        _ kind: ResourceKind<Store, Wire>, _ idText: String, operation: String,
        check: (TenantSession.Context, Store.Row) async throws -> Void = { _, _ in }
    ) async throws {
        let id = try kind.id(idText)
        try await lockedWrite(kind, idText, id) { context, store, current in
            try await check(context, current)
            try await store.delete(id)
            try await audit(context, operation, kind.auditType, id, changed: [])
        }
    }

    /// `conditionalWrite` for a resource of `kind` by its path id.
    func lockedWrite<Store, Wire, Result: Sendable>(
        _ kind: ResourceKind<Store, Wire>, _ idText: String, _ id: UUID,
        _ work: (TenantSession.Context, Store, Store.Row) async throws -> Result
    ) async throws -> Result {
        try await conditionalWrite(missing: kind.notFound(idText), find: { context in
            let store = try await kind.store(context)
            return try await store.find(id, lock: true).map { (store, $0) }
        }, version: { $0.1.version }) { context, found in
            try await work(context, found.0, found.1)
        }
    }

    /// The steps every PATCH, DELETE and conditional PUT shares, in one place: in one transaction,
    /// `find` the resource locked (`missing`, a 404, when it finds nothing), check `If-Match`
    /// against its `version` (412 when stale; a resource that does not exist yet, `version` nil,
    /// matches no entity tag, not even `*`), then do the write.
    func conditionalWrite<Found: Sendable, Result: Sendable>(
        missing: @autoclosure () -> APIProblem,
        find: (TenantSession.Context) async throws -> Found?, version: (Found) -> Int64?,
        _ work: (TenantSession.Context, Found) async throws -> Result
    ) async throws -> Result {
        let ifMatch = RequestScope.ifMatch
        return try await session.run { context in
            guard let found = try await find(context) else { throw missing() }
            try Preconditions.check(ifMatch, currentVersion: version(found))
            return try await work(context, found)
        }
    }
}
