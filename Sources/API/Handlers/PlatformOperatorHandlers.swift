import APIDefinition
import Auth
import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO

/// The platform audit log, and what platform admins do to operators: list them, disable one,
/// revoke a key. Disabling or revoking takes effect on the next request (keys are checked on each).
extension APIHandler {
    func listPlatformAuditEvents(_ input: Operations.ListPlatformAuditEvents.Input) async throws
        -> Operations.ListPlatformAuditEvents.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let tenant = try input.query.tenantId.map { reference in
            guard let id = UUID(uuidString: reference) else {
                throw ValidationFailure([FieldError(pointer: "/tenantId", detail: "must be a tenant id")])
            }
            return id
        }
        let page = try await session.platform { principal, database in
            try await database.withConnection { connection in
                try await PlatformAuditLog.page(for: principal.operatorID, tenant: tenant, after: cursor, limit: limit + 1,
                                                on: connection, logger: database.logger)
            }
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.platformAuditEvent), nextCursor: next))))
    }

    func listPlatformOperators(_ input: Operations.ListPlatformOperators.Input) async throws
        -> Operations.ListPlatformOperators.Output {
        let operators = try await session.platform { principal, database in
            try await database.withConnection { connection in
                try await OperatorStore.operators(for: principal, on: connection, logger: database.logger)
            }
        }
        return .ok(.init(body: .json(.init(items: operators.map(Self.platformOperator)))))
    }

    func disablePlatformOperator(_ input: Operations.DisablePlatformOperator.Input) async throws
        -> Operations.DisablePlatformOperator.Output {
        guard let target = UUID(uuidString: input.path.operatorId) else { throw APIProblem.notFound("Operator \(input.path.operatorId)") }
        let changed = try await operatorChange(Operations.DisablePlatformOperator.id) { principal, connection, logger in
            guard target != principal.operatorID else {
                throw APIProblem(status: 409, type: "own-operator", title: "Not on yourself",
                                 detail: "An operator cannot disable themselves; another platform admin can.")
            }
            guard try await OperatorStore.disable(target, by: principal, on: connection, logger: logger) != nil else {
                throw APIProblem.notFound("Operator \(input.path.operatorId)")
            }
            return (target, "operator", target.wire, ["disabledAt"])
        }
        return .ok(.init(body: .json(changed)))
    }

    func revokePlatformOperatorKey(_ input: Operations.RevokePlatformOperatorKey.Input) async throws
        -> Operations.RevokePlatformOperatorKey.Output {
        let key = input.path.keyId
        let changed = try await operatorChange(Operations.RevokePlatformOperatorKey.id) { principal, connection, logger in
            guard let (owner, _) = try await OperatorStore.revokeKey(key, by: principal, on: connection, logger: logger) else {
                throw APIProblem.notFound("Operator key \(key)")
            }
            return (owner, "operator_key", key, ["revokedAt"])
        }
        return .ok(.init(body: .json(changed)))
    }

    /// One change to an operator in a transaction, audited, answering with the operator after it.
    private func operatorChange(
        _ operation: String,
        _ change: (OperatorPrincipal, PostgresConnection, Logger) async throws
            -> (operatorID: UUID, resourceType: String, resourceID: String, changed: [String])
    ) async throws -> Components.Schemas.PlatformOperator {
        let environment = session.environment
        return try await session.platform { principal, database in
            try await database.transaction { connection in
                let (target, type, resource, changed) = try await change(principal, connection, database.logger)
                try await Self.platformAudit(principal, operation, tenant: nil, resourceType: type, resourceID: resource,
                                             changed: changed, environment: environment, on: connection, logger: database.logger)
                let operators = try await OperatorStore.operators(for: principal, on: connection, logger: database.logger)
                guard let changedOperator = operators.first(where: { $0.id == target }) else {
                    throw APIProblem.notFound("Operator \(target.wire)")
                }
                return Self.platformOperator(changedOperator)
            }
        }
    }

    static func platformOperator(_ record: PlatformOperatorRecord) -> Components.Schemas.PlatformOperator {
        Components.Schemas.PlatformOperator(
            id: record.id.wire, email: record.email, role: .init(rawValue: record.role.rawValue)!,
            createdAt: record.createdAt, disabledAt: record.disabledAt,
            keys: record.keys.map { .init(id: $0.id, createdAt: $0.createdAt, revokedAt: $0.revokedAt) })
    }

    static func platformAuditEvent(_ event: PlatformAuditEvent) -> Components.Schemas.PlatformAuditEvent {
        Components.Schemas.PlatformAuditEvent(
            id: event.id.wire, occurredAt: event.occurredAt, actor: event.entry.actor, operatorId: event.entry.operatorID?.wire,
            operation: event.entry.operation, tenantId: event.entry.tenantID?.wire, resourceType: event.entry.resourceType,
            resourceId: event.entry.resourceID, changedFields: event.entry.changedFields, reason: event.entry.reason,
            requestId: event.entry.requestID)
    }
}
