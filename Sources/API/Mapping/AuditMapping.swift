import APIDefinition
import Domain
import Foundation
import Persistence

/// Between the generated wire types and audit events.
enum AuditMapping {
    static func resource(_ event: AuditEventRecord) throws -> Components.Schemas.AuditEvent {
        guard let actorType = Components.Schemas.AuditActorType(rawValue: event.actorType) else {
            throw CorruptRow(table: "audit_events", id: event.id)  // the table's check makes this unreachable
        }
        return Components.Schemas.AuditEvent(
            id: event.id.wire, occurredAt: event.occurredAt,
            actor: .init(_type: actorType, id: event.actorID),
            operation: event.operation,
            resource: .init(_type: event.resourceType, id: event.resourceID.wire),
            requestId: event.requestID, changedFields: event.changedFields, clientAddress: event.clientAddress)
    }

    /// The query's filters, checked against the contract's patterns (the generated code does not):
    /// a value that breaks them is a malformed parameter, 400.
    static func filter(actorType: String?, actorID: String?, operation: String?, resourceType: String?,
                       resourceID: String?, from: Date?, to: Date?) throws(APIProblem) -> AuditFilter {
        func letters(_ text: String?, allowing extra: (UInt8) -> Bool) -> Bool {
            guard let text else { return true }
            let bytes = text.utf8
            return (1...64).contains(bytes.count) && bytes.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || extra($0)
            }
        }
        guard letters(operation, allowing: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            throw APIProblem.badRequest("operation must be an operationId: 1–64 letters.")
        }
        guard letters(resourceType, allowing: { $0 == UInt8(ascii: "_") }) else {
            throw APIProblem.badRequest("resourceType must be 1–64 of a–z and '_'.")
        }
        if let actorID, !TextRules.isPrintable(actorID, maxLength: 200) {
            throw APIProblem.badRequest("actorId must be 1–200 characters without control characters.")
        }
        var id: UUID?
        if let resourceID {
            guard let parsed = UUID(uuidString: resourceID) else {
                throw APIProblem.badRequest("resourceId must be a UUID.")
            }
            id = parsed
        }
        return AuditFilter(actorType: actorType, actorID: actorID, operation: operation, resourceType: resourceType,
                           resourceID: id, from: from, to: to)
    }
}
