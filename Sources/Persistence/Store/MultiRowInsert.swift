public import PostgresNIO

/// A many-row insert as one `insert … values (…), (…)` statement with every value bound.
///
/// Stores write batches this way rather than as `insert … select … from unnest($1, $2, …)`: Citus runs
/// an insert whose rows come from a select over no distributed table through the coordinator, which
/// copies the rows to the shards with COPY, and COPY refuses tables under row-level security. A
/// multi-row VALUES insert of one tenant's rows goes to that tenant's shard as it is
/// (docs/ARCHITECTURE.md, "Citus-ready queries").
///
///     var insert = MultiRowInsert(into: "audit_events", columns: ["tenant_id", "id", "operation"])
///     let tenant = try insert.shared(tenantID)          // bound once, cited by every row
///     for entry in entries {
///         try insert.row { row in row.cite(tenant); try row.bind(entry.id); try row.bind(entry.operation) }
///     }
///     try await scope.query(insert.query(then: "on conflict do nothing"))
///
/// PostgreSQL takes at most 65,535 parameters per statement; the batches of this codebase stay far
/// below (1,000 rows of at most 20 values).
public struct MultiRowInsert: Sendable {
    private let head: String
    private let columnCount: Int
    private var bindings = PostgresBindings()
    private var rows: [String] = []

    public init(into table: String, columns: [String]) {
        head = "insert into \(table) (\(columns.joined(separator: ", "))) values "
        columnCount = columns.count
    }

    /// A placeholder for one value, bound once however many rows cite it.
    public struct Shared: Sendable { fileprivate let placeholder: String }

    /// The cells of one row, in the order of the insert's columns.
    public struct Row {
        fileprivate var cells: [String] = []
        fileprivate var bindings: PostgresBindings

        public mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws {
            try bindings.append(value)
            cells.append("$\(bindings.count)")
        }

        public mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws {
            try bindings.append(value)
            cells.append("$\(bindings.count)")
        }

        /// A value bound as `type` (`jsonb` from its text, say), where the column's type is not the
        /// value's own.
        public mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value, as type: String) throws {
            try bindings.append(value)
            cells.append("$\(bindings.count)::\(type)")
        }

        public mutating func cite(_ shared: Shared) { cells.append(shared.placeholder) }

        /// An SQL expression of the insert's own making (a constant, a default), never client input.
        public mutating func expression(_ sql: String) { cells.append(sql) }
    }

    public var isEmpty: Bool { rows.isEmpty }

    public mutating func shared<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws -> Shared {
        try bindings.append(value)
        return Shared(placeholder: "$\(bindings.count)")
    }

    public mutating func shared<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws -> Shared {
        try bindings.append(value)
        return Shared(placeholder: "$\(bindings.count)")
    }

    public mutating func row(_ build: (inout Row) throws -> Void) throws {
        // The bindings move into the row and back, so appending never copies the buffer.
        var row = Row(bindings: bindings)
        bindings = PostgresBindings()
        defer { bindings = row.bindings }
        try build(&row)
        precondition(row.cells.count == columnCount, "a row of \(row.cells.count) cells for \(columnCount) columns")
        rows.append("(" + row.cells.joined(separator: ", ") + ")")
    }

    /// The statement, with `suffix` (`on conflict …`, `returning …`) after the rows.
    public func query(then suffix: String = "") -> PostgresQuery {
        PostgresQuery(unsafeSQL: head + rows.joined(separator: ", ") + (suffix.isEmpty ? "" : " " + suffix), binds: bindings)
    }
}
