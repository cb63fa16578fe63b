import Crypto
import Domain
import Foundation
import Persistence

/// `Idempotency-Key` on POST (API-CONVENTIONS "Writes"): the first response is stored in the same
/// transaction as the write, a retry with the same body gets it back, another body gets 422.
enum Idempotency {
    static func validate(key: String?) throws(APIProblem) -> String? {
        guard let key else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badRequest("Idempotency-Key must be 1–255 printable ASCII characters.",
                              errors: [.init(pointer: "/headers/Idempotency-Key", detail: "invalid")])
        }
        return key
    }

    static func requestHash(operation: String, body: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(operation.utf8))
        hasher.update(data: [0])
        hasher.update(data: body)
        return Array(hasher.finalize())
    }

    /// The stored response for a retry, or nil for a first attempt; 422 if the key was used for
    /// another request.
    static func replay(key: String, operation: String, hash: [UInt8],
                       in context: TenantSession.Context) async throws -> StoredResponse? {
        let store = IdempotencyStore(context.scope)
        try await store.lock(key: key)
        guard let stored = try await store.find(key: key, now: context.environment.now()) else { return nil }
        guard stored.operation == operation, stored.requestHash == hash else {
            throw APIProblem(status: 422, type: "idempotency-key-reused", title: "Idempotency-Key reused",
                             detail: "This Idempotency-Key was used for a different request in the last 24 hours.")
        }
        return stored
    }
}

/// What a create returns: the resource and where it lives.
struct Created<Resource: Codable & Sendable>: Sendable {
    var resource: Resource
    var location: String?
}

extension APIHandler {
    /// Runs a create in one transaction, honouring `Idempotency-Key`: a retry with the same key and
    /// body gets the first response back (stored with the write, in the same transaction), another
    /// body with the key is 422. Without a key, just the transaction.
    func idempotentCreate<Resource: Codable & Sendable>(
        _ operation: String, _ work: (TenantSession.Context) async throws -> Created<Resource>
    ) async throws -> Created<Resource> {
        let key = try RequestScope.idempotencyKey()
        return try await session.run { context in
            guard let key else { return try await work(context) }
            let hash = Idempotency.requestHash(operation: operation, body: context.body.bytes)
            if let stored = try await Idempotency.replay(key: key, operation: operation, hash: hash, in: context) {
                return Created(resource: try WireJSON.decoder.decode(Resource.self, from: Data(stored.body)),
                               location: stored.location)
            }
            let created = try await work(context)
            let stored = StoredResponse(operation: operation, requestHash: hash, status: 201,
                                        body: Array(try WireJSON.encoder.encode(created.resource)), location: created.location)
            try await IdempotencyStore(context.scope).save(stored, key: key, now: context.environment.now())
            return created
        }
    }
}
