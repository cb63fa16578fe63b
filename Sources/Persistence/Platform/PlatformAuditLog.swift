import Domain
public import Foundation
public import Logging
public import PostgresNIO

/// One platform write: who did it (an operator, or `pmo-admin:<user>` for the admin CLI), what, and
/// on which tenant. Recorded in the write's own transaction, like a tenant's `AuditEntry`.
public struct PlatformAuditEntry: Sendable, Equatable {
    public var actor: String
    public var operatorID: UUID?
    public var operation: String
    public var tenantID: UUID?
    public var resourceType: String
    public var resourceID: String
    public var changedFields: [String]
    public var reason: String?
    public var requestID: String?
    public var clientAddress: String?

    public init(actor: String, operatorID: UUID?, operation: String, tenantID: UUID?, resourceType: String,
                resourceID: String, changedFields: [String], reason: String? = nil, requestID: String? = nil,
                clientAddress: String? = nil) {
        self.actor = actor
        self.operatorID = operatorID
        self.operation = operation
        self.tenantID = tenantID
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.changedFields = changedFields
        self.reason = reason
        self.requestID = requestID
        self.clientAddress = clientAddress
    }

    /// The actor name of an operator, as both audit logs write it.
    public static func actor(operator id: UUID) -> String { "operator:" + id.uuidString.lowercased() }
}

/// A recorded platform audit event.
public struct PlatformAuditEvent: Sendable, Equatable {
    public let id: UUID
    public let occurredAt: Date
    public let entry: PlatformAuditEntry
}

/// `pmo.platform_audit_log`: written by either role directly (it stays on the coordinator on Citus,
/// so it never joins a distributed transaction's placements), read through
/// `pmo.platform_audit_events`, which shows an account manager only their own writes and those on
/// the tenants they look after.
public enum PlatformAuditLog {
    public static func record(_ entry: PlatformAuditEntry, id: UUID, at now: Date, on connection: PostgresConnection,
                              logger: Logger) async throws {
        try await connection.query("""
            insert into pmo.platform_audit_log (id, occurred_at, actor, operator_id, operation, subject_tenant_id,
                resource_type, resource_id, changed_fields, reason, request_id, client_address)
            values (\(id), \(now), \(entry.actor), \(entry.operatorID), \(entry.operation), \(entry.tenantID),
                \(entry.resourceType), \(entry.resourceID), \(entry.changedFields), \(entry.reason),
                \(entry.requestID.map { String($0.prefix(200)) }), \(entry.clientAddress.map { String($0.prefix(100)) }))
            """, logger: logger)
    }

    /// Records a write of the admin CLI, with the user who ran it as the actor.
    public static func recordCLI(_ operation: String, tenant: UUID?, resourceType: String, resourceID: String,
                                 changed: [String], reason: String? = nil, on connection: PostgresConnection,
                                 logger: Logger) async throws {
        try await record(
            PlatformAuditEntry(actor: AuditLog.cliOperatorName, operatorID: nil, operation: operation, tenantID: tenant,
                               resourceType: resourceType, resourceID: resourceID, changedFields: changed, reason: reason),
            id: Domain.Environment.live.newID(), at: Date(), on: connection, logger: logger)
    }

    /// A page of the events `operatorID` may read, after `after`, optionally of one tenant.
    public static func page(for operatorID: UUID, tenant: UUID?, after: UUID?, limit: Int,
                            on connection: PostgresConnection, logger: Logger) async throws -> [PlatformAuditEvent] {
        let rows = try await connection.query("""
            select id, occurred_at, actor, operator_id, operation, subject_tenant_id, resource_type, resource_id,
                   changed_fields, reason, request_id, client_address
            from pmo.platform_audit_events(\(operatorID), \(tenant), \(after), \(Int64(limit)))
            """, logger: logger)
        var events: [PlatformAuditEvent] = []
        for try await (id, at, actor, operatorID, operation, tenant, type, resource, fields, reason, request, address)
            in rows.decode((UUID, Date, String, UUID?, String, UUID?, String, String, [String], String?, String?, String?).self) {
            events.append(PlatformAuditEvent(id: id, occurredAt: at, entry: PlatformAuditEntry(
                actor: actor, operatorID: operatorID, operation: operation, tenantID: tenant, resourceType: type,
                resourceID: resource, changedFields: fields, reason: reason, requestID: request, clientAddress: address)))
        }
        return events
    }
}
