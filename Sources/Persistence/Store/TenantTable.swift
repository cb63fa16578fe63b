public import Domain
public import Foundation
public import PostgresNIO

/// A write the schema refused by one of its constraints, as a store's table of errors sees it.
public struct ConstraintViolation: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case unique, foreignKey, check, exclusion, notNull }
    public let kind: Kind
    /// The constraint's name in the schema (e.g. `portfolios_tenant_id_name_key`).
    public let constraint: String

    public init(kind: Kind, constraint: String) {
        self.kind = kind
        self.constraint = constraint
    }

    /// The constraint's name as the schema declares it. A Citus worker reports the constraint of the
    /// shard it wrote, named after the shard (`actions_tenant_id_owner_id_fkey_102011`): shard ids have
    /// six digits or more, and no constraint of the schema ends in `_` and six digits.
    static func schemaName(of reported: String) -> String {
        let digits = reported.reversed().prefix { $0.isASCII && $0.isNumber }
        guard digits.count >= 6, reported.dropLast(digits.count).hasSuffix("_") else { return reported }
        return String(reported.dropLast(digits.count + 1))
    }

    /// The constraint named in a message (`… violates foreign key constraint "name"`): a Citus
    /// coordinator passes a worker's error on without its constraint field.
    static func quotedName(in message: String) -> String {
        guard let marker = message.range(of: "constraint \""),
              let close = message[marker.upperBound...].firstIndex(of: "\"") else { return "" }
        return String(message[marker.upperBound..<close])
    }

    /// The violation a server error reports, or nil for any other error.
    init?(_ error: any Error) {
        guard let error = error as? PSQLError, let state = error.sqlState else { return nil }
        let kind: Kind
        switch state {
        case SQLState.uniqueViolation: kind = .unique
        case SQLState.foreignKeyViolation: kind = .foreignKey
        case SQLState.checkViolation: kind = .check
        case "23P01": kind = .exclusion
        case "23502": kind = .notNull
        default: return nil
        }
        let reported = error.serverInfo?[.constraintName] ?? Self.quotedName(in: error.serverInfo?[.message] ?? "")
        self.init(kind: kind, constraint: Self.schemaName(of: reported))
    }
}

/// A store of one tenant-owned table: its rows' type, its columns and how a row decodes, and which
/// constraint violations mean what to a client. The statements every such table needs (find,
/// find for update, a keyset page, a write that returns the row, delete) come with the protocol;
/// filtered lists and statements of their own stay hand-written SQL with bound parameters, read
/// through `rows(_:)`.
///
/// Every statement names the tenant (docs/ARCHITECTURE.md rule 2): row-level security already
/// filters, but naming `tenant_id` keeps the statement on the primary-key index and on one shard.
public protocol TenantTable: Sendable {
    associatedtype Row: Sendable

    /// The table's name in SQL.
    static var table: String { get }
    /// The select list `decode` reads, in its order.
    static var columns: String { get }
    /// Whether `columns` reads other tables (a count, the latest use, the terms in force). Such rows
    /// are locked by a statement of their own before they are read (`lockedRows`): Citus takes row
    /// locks only in a statement it can route to one shard, and a subquery over another table makes
    /// it unroutable. False by default.
    static var columnsReadOtherTables: Bool { get }
    /// One row of `columns`; throws `CorruptRow` for a value the code does not know.
    static func decode(_ row: PostgresRow) throws -> Row
    /// What a write of `row` refused by `violation` means to the client; nil when it is the server's
    /// fault (the database error then stands).
    static func error(for violation: ConstraintViolation, writing row: Row) -> (any Error)?
    /// What a delete of `id` refused by `violation` (rows still referring to it) means.
    static func error(for violation: ConstraintViolation, deleting id: UUID) -> (any Error)?

    var scope: TenantScope { get }
    /// For a store bound to one parent (a project's work items): the column naming it and its id,
    /// which the common statements name too, so a row of another parent is not found. Nil when the
    /// table's rows belong to the tenant alone.
    var parent: (column: String, id: UUID)? { get }
    /// Refuses, before `delete`, to delete a row others still need (a portfolio with programmes),
    /// counting them for the message; by default nothing is checked.
    func checkDeletable(_ id: UUID) async throws
    /// Clears, before `delete`, the references other rows keep to this one and outlive it (items in a
    /// deleted sprint go back to the backlog). Done here rather than by `on delete set null`, which
    /// Citus refuses on distributed tables; by default there are none.
    func clearReferences(to id: UUID) async throws
}

extension TenantTable {
    public static func error(for violation: ConstraintViolation, writing row: Row) -> (any Error)? { nil }
    public static func error(for violation: ConstraintViolation, deleting id: UUID) -> (any Error)? { nil }
    public var parent: (column: String, id: UUID)? { nil }
    public static var columnsReadOtherTables: Bool { false }
    public func checkDeletable(_ id: UUID) async throws {}
    public func clearReferences(to id: UUID) async throws {}

    public var tenantID: TenantID { scope.tenantID }

    /// The rows a statement selecting `columns` returns.
    public func rows(_ query: PostgresQuery) async throws -> [Row] {
        var rows: [Row] = []
        for try await row in try await scope.query(query) { rows.append(try Self.decode(row)) }
        return rows
    }

    /// The row, or nil when the tenant (and the parent) has none with this id. `lock` takes the
    /// row lock a write needs, until the transaction ends.
    public func find(_ id: UUID, lock: Bool = false) async throws -> Row? {
        if lock && Self.columnsReadOtherTables {
            let locking: PostgresQuery = if let parent {
                """
                select id from \(unescaped: Self.table)
                where tenant_id = \(tenantID) and \(unescaped: parent.column) = \(parent.id) and id = \(id) for update
                """
            } else {
                "select id from \(unescaped: Self.table) where tenant_id = \(tenantID) and id = \(id) for update"
            }
            return try await lockedRows(locking).first
        }
        let locking = lock ? "for update" : ""
        if let parent {
            return try await rows("""
                select \(unescaped: Self.columns) from \(unescaped: Self.table)
                where tenant_id = \(tenantID) and \(unescaped: parent.column) = \(parent.id) and id = \(id)
                \(unescaped: locking)
                """).first
        }
        return try await rows("""
            select \(unescaped: Self.columns) from \(unescaped: Self.table)
            where tenant_id = \(tenantID) and id = \(id) \(unescaped: locking)
            """).first
    }

    /// The rows whose ids `lock` returns (a `select id … for update` or `for share` of this table),
    /// read after it in id order or `order`: the lock and the read are two statements so that the
    /// lock stays routable on Citus whatever `columns` reads (`columnsReadOtherTables`).
    public func lockedRows(_ lock: PostgresQuery, orderedBy order: String = "id") async throws -> [Row] {
        var ids: [UUID] = []
        for try await id in try await scope.query(lock).decode(UUID.self) { ids.append(id) }
        guard !ids.isEmpty else { return [] }
        return try await rows("""
            select \(unescaped: Self.columns) from \(unescaped: Self.table)
            where tenant_id = \(tenantID) and id = any(\(ids)) order by \(unescaped: order)
            """)
    }

    /// One page in id order (ids are time-ordered: creation order) after the cursor. It reads
    /// `limit` rows and no more, so its cost does not grow with the table.
    public func page(after cursor: UUID?, limit: Int) async throws -> [Row] {
        let after = cursor ?? UUIDv7.lowest
        if let parent {
            return try await rows("""
                select \(unescaped: Self.columns) from \(unescaped: Self.table)
                where tenant_id = \(tenantID) and \(unescaped: parent.column) = \(parent.id) and id > \(after)
                order by id limit \(limit)
                """)
        }
        return try await rows("""
            select \(unescaped: Self.columns) from \(unescaped: Self.table)
            where tenant_id = \(tenantID) and id > \(after) order by id limit \(limit)
            """)
    }

    /// Runs an insert or update of `row` that returns `columns`, and gives back the row as stored.
    /// A constraint the table's errors name becomes that error.
    public func write(_ query: PostgresQuery, _ row: Row) async throws -> Row {
        let written: [Row]
        do {
            written = try await rows(query)
        } catch {
            if let violation = ConstraintViolation(error), let meaning = Self.error(for: violation, writing: row) {
                throw meaning
            }
            throw error
        }
        guard let stored = written.first else { throw MissingRow(table: Self.table) }
        return stored
    }

    /// Deletes the row unless `checkDeletable` refuses, after `clearReferences`; false when there was none. A foreign key that
    /// refuses (a child added concurrently) becomes the error the table names for it.
    @discardableResult
    public func delete(_ id: UUID) async throws -> Bool {
        try await checkDeletable(id)
        try await clearReferences(to: id)
        let query: PostgresQuery = if let parent {
            """
            delete from \(unescaped: Self.table)
            where tenant_id = \(tenantID) and \(unescaped: parent.column) = \(parent.id) and id = \(id) returning id
            """
        } else {
            "delete from \(unescaped: Self.table) where tenant_id = \(tenantID) and id = \(id) returning id"
        }
        do {
            var deleted = false
            for try await _ in try await scope.query(query) { deleted = true }
            return deleted
        } catch {
            if let violation = ConstraintViolation(error), let meaning = Self.error(for: violation, deleting: id) {
                throw meaning
            }
            throw error
        }
    }

    /// The single integer a `select count(*)` returns.
    public func count(_ query: PostgresQuery) async throws -> Int {
        try await scope.query(query).count()
    }

    /// The error for a row holding a value the code does not know.
    public static func corrupt(_ id: UUID) -> CorruptRow { CorruptRow(table: table, id: id) }
}

/// A row clients change with conditional writes: its id, and the version its `ETag` carries.
public protocol VersionedRow: Sendable {
    var id: UUID { get }
    var version: Int64 { get }
}

/// A table whose rows a PATCH rewrites: `update` writes every field of `row`, bumps the version
/// and returns the row as stored.
public protocol UpdatableTable: TenantTable where Row: VersionedRow {
    func update(_ row: Row, at now: Date) async throws -> Row
}
