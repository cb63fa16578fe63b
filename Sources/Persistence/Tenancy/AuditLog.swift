import Domain
public import Foundation
import Logging
import PostgresNIO

/// Who acted: an API key or personal access token (by id), a member acting without one (accepting
/// their invitation), a platform operator, or the platform itself (a named mechanism).
public enum Actor: Sendable, Equatable {
    case apiKey(UUID)
    /// An API client calling with an access token.
    case apiClient(UUID)
    case member(UUID)
    case operatorName(String)
    case system(String)

    var type: String {
        switch self {
        case .apiKey: "api_key"
        case .apiClient: "api_client"
        case .member: "member"
        case .operatorName: "operator"
        case .system: "system"
        }
    }

    var id: String {
        switch self {
        case .apiKey(let id), .apiClient(let id), .member(let id): id.uuidString.lowercased()
        case .operatorName(let name), .system(let name): name
        }
    }
}

/// One write, recorded in the same transaction as the write itself so neither exists without the other.
public struct AuditEntry: Sendable {
    public var actor: Actor
    public var operation: String
    public var resourceType: String
    public var resourceID: UUID
    public var requestID: String?
    public var changedFields: [String]
    /// Where the request came from (the socket peer), when it came over the network.
    public var clientAddress: String?

    public init(actor: Actor, operation: String, resourceType: String, resourceID: UUID,
                requestID: String?, changedFields: [String], clientAddress: String? = nil) {
        self.actor = actor
        self.operation = operation
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.requestID = requestID
        self.changedFields = changedFields
        self.clientAddress = clientAddress
    }
}

/// `audit_events`: who wrote what, recorded in the write's own transaction.
public struct AuditLog: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// The actor for writes made with the admin CLI: the operating-system user who ran it.
    public static var cliOperator: Actor { .operatorName(cliOperatorName) }

    /// `pmo-admin:<user>`, as both audit logs name the admin CLI's user.
    public static var cliOperatorName: String { "pmo-admin:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }

    /// Records an operator's write (admin CLI).
    public func recordOperator(_ operation: String, resourceType: String, resourceID: UUID,
                               changedFields: [String] = []) async throws {
        try await record(
            AuditEntry(actor: Self.cliOperator, operation: operation, resourceType: resourceType, resourceID: resourceID,
                       requestID: nil, changedFields: changedFields),
            id: Domain.Environment.live.newID(), at: Date())
    }

    /// Records several writes of one request in one statement (a bulk write and what it caused).
    public func record(_ entries: [AuditEntry], ids: [UUID], at now: Date) async throws {
        guard let first = entries.first else { return }
        precondition(ids.count == entries.count, "one id per audit entry")
        // One request: one actor, time and address, bound once for every row.
        var insert = MultiRowInsert(into: "audit_events", columns: [
            "tenant_id", "id", "occurred_at", "actor_type", "actor_id", "operation", "resource_type", "resource_id",
            "request_id", "changed_fields", "client_address"])
        let tenant = try insert.shared(scope.tenantID)
        let occurredAt = try insert.shared(now)
        let actorType = try insert.shared(first.actor.type)
        let actorID = try insert.shared(first.actor.id)
        let requestID = try insert.shared(first.requestID)
        let address = try insert.shared(first.clientAddress.map(Self.clipped))
        for (entry, id) in zip(entries, ids) {
            try insert.row { row in
                row.cite(tenant); try row.bind(id); row.cite(occurredAt); row.cite(actorType); row.cite(actorID)
                try row.bind(entry.operation); try row.bind(entry.resourceType); try row.bind(entry.resourceID)
                row.cite(requestID); try row.bind(entry.changedFields); row.cite(address)
            }
        }
        try await scope.query(insert.query())
    }

    public func record(_ entry: AuditEntry, id: UUID, at now: Date) async throws {
        try await record([entry], ids: [id], at: now)
    }

    /// An address as stored: at most 100 characters (the column's limit).
    private static func clipped(_ address: String) -> String {
        String(String.UnicodeScalarView(address.unicodeScalars.prefix(100)))
    }
}
