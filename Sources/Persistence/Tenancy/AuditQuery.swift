import Domain
public import Foundation
import Logging
import PostgresNIO

/// An audit event as the tenant reads it back.
public struct AuditEventRecord: Sendable, Equatable {
    public var id: UUID
    public var occurredAt: Date
    public var actorType: String
    public var actorID: String
    public var operation: String
    public var resourceType: String
    public var resourceID: UUID
    public var requestID: String?
    public var changedFields: [String]
    public var clientAddress: String?
}

/// Which events to read; nil matches everything. `from` is inclusive, `to` exclusive.
public struct AuditFilter: Sendable, Equatable {
    public var actorType: String?
    public var actorID: String?
    public var operation: String?
    public var resourceType: String?
    public var resourceID: UUID?
    public var from: Date?
    public var to: Date?

    public init(actorType: String? = nil, actorID: String? = nil, operation: String? = nil, resourceType: String? = nil,
                resourceID: UUID? = nil, from: Date? = nil, to: Date? = nil) {
        self.actorType = actorType
        self.actorID = actorID
        self.operation = operation
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.from = from
        self.to = to
    }
}

extension AuditLog {
    /// A page in id order (ids are time-ordered UUIDv7), after `cursor`, inside the caller's tenant
    /// transaction. The filters that narrow most (actor, resource) have indexes of their own that
    /// keep the id order, so a page costs about its size (migration 0003).
    public func page(_ filter: AuditFilter, after cursor: UUID?, limit: Int) async throws -> [AuditEventRecord] {
        let tenantID = scope.tenantID
        let rows = try await scope.query("""
            select id, occurred_at, actor_type, actor_id, operation, resource_type, resource_id, request_id, changed_fields,
                   client_address
            from audit_events
            where tenant_id = \(tenantID) and id > \(cursor ?? UUIDv7.lowest)
              and (\(filter.actorType)::text is null or actor_type = \(filter.actorType))
              and (\(filter.actorID)::text is null or actor_id = \(filter.actorID))
              and (\(filter.operation)::text is null or operation = \(filter.operation))
              and (\(filter.resourceType)::text is null or resource_type = \(filter.resourceType))
              and (\(filter.resourceID)::uuid is null or resource_id = \(filter.resourceID))
              and (\(filter.from)::timestamptz is null or occurred_at >= \(filter.from))
              and (\(filter.to)::timestamptz is null or occurred_at < \(filter.to))
            order by id limit \(limit)
            """)
        var events: [AuditEventRecord] = []
        for try await (id, occurredAt, actorType, actorID, operation, resourceType, resourceID, requestID, changed,
                       address) in rows.decode((UUID, Date, String, String, String, String, UUID, String?, [String], String?).self) {
            events.append(AuditEventRecord(
                id: id, occurredAt: occurredAt, actorType: actorType, actorID: actorID, operation: operation,
                resourceType: resourceType, resourceID: resourceID, requestID: requestID, changedFields: changed,
                clientAddress: address))
        }
        return events
    }
}
