public import Foundation
import PostgresNIO

// What stores raise for a client's mistake: typed, naming the request field by its key (`field`),
// never by a JSON pointer. The API layer states each as a problem.

/// Another resource of this kind has this name (or key, or code: `field`) in its scope already.
public struct DuplicateName: Error, Equatable {
    public let kind: String
    public let name: String
    public var field: String = "name"

    public init(kind: String, name: String, field: String = "name") {
        self.kind = kind
        self.name = name
        self.field = field
    }
}

/// A parent that still has children: deleting it would orphan them.
public struct HasChildren: Error, Equatable {
    public let kind: String
    public let id: UUID
    public let childKind: String
    public let count: Int

    public init(kind: String, id: UUID, childKind: String, count: Int) {
        self.kind = kind
        self.id = id
        self.childKind = childKind
        self.count = count
    }
}

/// A reference to a parent (a programme, a portfolio, a work item) that does not exist in the tenant.
public struct UnknownParent: Error, Equatable {
    public let kind: String
    /// The request field holding the reference (`programmeId`).
    public let field: String
    public let id: UUID?

    public init(kind: String, field: String, id: UUID?) {
        self.kind = kind
        self.field = field
        self.id = id
    }
}

/// A row that breaks the schema's own checks (only possible through manual edits); reported as a 500.
public struct CorruptRow: Error, CustomStringConvertible {
    public let table: String
    public let id: UUID
    public var description: String { "row \(id) of \(table) holds a value the code does not know" }

    public init(table: String, id: UUID) {
        self.table = table
        self.id = id
    }
}

/// A write that should have returned its row returned none (the row vanished under a lock the
/// caller should have held): the server's fault, a 500.
public struct MissingRow: Error, CustomStringConvertible {
    public init(table: String) { self.table = table }
    public let table: String
    public var description: String { "a write to \(table) returned no row" }
}

extension PostgresRowSequence {
    /// The single integer a `select count(*)` returns.
    func count() async throws -> Int {
        for try await count in decode(Int.self) { return count }
        return 0
    }
}
