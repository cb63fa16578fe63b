import Foundation
import Persistence

/// What the generic handlers (`ResourceHandlers.swift`) know of one kind of resource: how a 404 and
/// the audit log name it, where its rows are, how it looks on the wire, and which fields a write may
/// change. Each field is named here once; a create audits all of them, a PATCH those whose values
/// differ. A resource under a parent (a project's work items) makes its kind per request, with a
/// `store` that finds the parent first (404 when it is not the caller's).
struct ResourceKind<Store: TenantTable, Wire: Sendable>: Sendable where Store.Row: VersionedRow {
    /// The resource as a 404 names it: "Portfolio".
    let noun: String
    /// The audit log's resource type: "portfolio".
    let auditType: String
    let fields: [AuditedField<Store.Row>]
    let store: @Sendable (TenantSession.Context) async throws -> Store
    let render: @Sendable (Store.Row) -> Wire

    /// The names of the fields whose values differ between two versions of a row.
    func changed(from current: Store.Row, to next: Store.Row) -> [String] {
        fields.filter { $0.differs(current, next) }.map(\.name)
    }

    /// The problem for an id that names nothing of the caller's (a text that is no UUID included).
    func notFound(_ id: String) -> APIProblem { .notFound("\(noun) \(id)") }

    /// A path id: a text that is no UUID names nothing (404, like an id that exists nowhere).
    func id(_ text: String) throws(APIProblem) -> UUID {
        guard let id = UUID(uuidString: text) else { throw notFound(text) }
        return id
    }
}

/// One field of a resource as the audit log names it (its wire name), and how to tell whether a
/// write changed it.
struct AuditedField<Row>: Sendable {
    let name: String
    let differs: @Sendable (Row, Row) -> Bool

    init<Value: Equatable & Sendable>(_ name: String, _ value: any KeyPath<Row, Value> & Sendable) {
        self.name = name
        differs = { $0[keyPath: value] != $1[keyPath: value] }
    }
}

/// A resource's wire form: what a create stores for an idempotent retry, and the version its
/// `ETag` carries.
protocol VersionedWire: Codable, Sendable {
    var version: Int64 { get }
}
