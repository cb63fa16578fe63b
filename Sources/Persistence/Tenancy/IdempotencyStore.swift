import Domain
public import Foundation
import Logging
import PostgresNIO

/// The first response to a POST with an `Idempotency-Key`, replayed for 24 hours.
public struct StoredResponse: Sendable, Equatable {
    public var operation: String
    public var requestHash: [UInt8]
    public var status: Int
    public var body: [UInt8]
    public var location: String?

    public init(operation: String, requestHash: [UInt8], status: Int, body: [UInt8], location: String?) {
        self.operation = operation
        self.requestHash = requestHash
        self.status = status
        self.body = body
        self.location = location
    }
}

/// `idempotency_keys`: the first response to each `Idempotency-Key` of a tenant.
public struct IdempotencyStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// How long a stored response is replayed.
    public static let retention: TimeInterval = 24 * 3600

    /// Makes concurrent requests with the same key wait for the first to commit (a lock held until
    /// the transaction ends), so they see its stored response instead of racing it into a duplicate.
    public func lock(key: String) async throws {
        try await scope.query(
            "select pg_advisory_xact_lock(hashtextextended(\(scope.tenantID.uuidString) || ':' || \(key), 0))")
    }

    public func find(key: String, now: Date) async throws -> StoredResponse? {
        let tenantID = scope.tenantID
        let since = now.addingTimeInterval(-Self.retention)
        let rows = try await scope.query("""
            select operation, request_hash, response_status, response_body, response_headers ->> 'location'
            from idempotency_keys
            where tenant_id = \(tenantID) and idempotency_key = \(key) and created_at > \(since)
            """)
        for try await (operation, hash, status, body, location) in rows.decode(
            (String, ByteBuffer, Int, ByteBuffer, String?).self) {
            return StoredResponse(operation: operation, requestHash: Array(buffer: hash), status: status,
                                  body: Array(buffer: body), location: location)
        }
        return nil
    }

    /// Stores the response; an expired entry under the same key is replaced. Throws
    /// `IdempotencyKeyInFlight` when a concurrent request stored this key first, so the caller's
    /// transaction rolls back instead of performing the write twice.
    public func save(_ response: StoredResponse, key: String, now: Date) async throws {
        let tenantID = scope.tenantID
        let headers = response.location.map { ["location": $0] } ?? [:]
        let headersJSON = String(decoding: try JSONEncoder().encode(headers), as: UTF8.self)
        let rows = try await scope.query("""
            insert into idempotency_keys (tenant_id, idempotency_key, operation, request_hash, response_status,
                response_body, response_headers, created_at)
            values (\(tenantID), \(key), \(response.operation), \(ByteBuffer(bytes: response.requestHash)),
                \(response.status), \(ByteBuffer(bytes: response.body)), \(headersJSON)::jsonb, \(now))
            on conflict (tenant_id, idempotency_key) do update set operation = excluded.operation,
                request_hash = excluded.request_hash, response_status = excluded.response_status,
                response_body = excluded.response_body, response_headers = excluded.response_headers,
                created_at = excluded.created_at
            where idempotency_keys.created_at <= \(now.addingTimeInterval(-Self.retention))
            returning 1
            """)
        var stored = false
        for try await _ in rows.decode(Int.self) { stored = true }
        if !stored { throw IdempotencyKeyInFlight(key: key) }
    }
}

/// Another request with the same `Idempotency-Key` completed while this one ran.
public struct IdempotencyKeyInFlight: Error, Equatable {
    public let key: String
}
