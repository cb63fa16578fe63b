public import Domain
public import Foundation
public import PostgresNIO

/// A stored project.
public struct ProjectRecord: VersionedRow, Equatable {
    public var id: UUID
    public var fields: ProjectFields
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// How a client names a project: by id, or by its per-tenant code.
public enum ProjectReference: Sendable, Equatable {
    case id(UUID)
    case code(String)

    /// Nil when the text can be neither (e.g. lower case, or a NUL byte PostgreSQL would refuse).
    public init?(_ text: String) {
        if let id = UUID(uuidString: text) {
            self = .id(id)
        } else if ProjectCode.isValid(text) {
            self = .code(text)
        } else {
            return nil
        }
    }
}

/// A project with this code exists already in the tenant.
public struct DuplicateProjectCode: Error, Equatable {
    public let code: String
}

/// `projects`: the tenant's projects, found by id or by code.
public struct ProjectStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "projects"
    /// Dates are bare `date` columns, decoded as `CalendarDate` (no formatting in SQL: Citus refuses a
    /// non-immutable function in a `RETURNING` list).
    public static let columns = """
        id, code, name, methodology, phase, status, sponsor, manager, planned_start,
        planned_finish, budget_at_completion, currency, version, created_at, updated_at,
        programme_id, custom_fields::text
        """

    public static func decode(_ row: PostgresRow) throws -> ProjectRecord {
        try decode(Array(row), from: 0)
    }

    public static func error(for violation: ConstraintViolation, writing row: ProjectRecord) -> (any Error)? {
        switch violation.kind {
        case .unique: DuplicateProjectCode(code: row.fields.code)
        case .foreignKey: UnknownParent(kind: "programme", field: "programmeId", id: row.fields.programmeID)
        default: nil
        }
    }

    public func insert(id: UUID, fields: ProjectFields, at now: Date) async throws -> ProjectRecord {
        let f = fields
        return try await write("""
            insert into projects (tenant_id, id, code, name, methodology, phase, status, sponsor, manager,
                planned_start, planned_finish, budget_at_completion, currency, created_at, updated_at, programme_id,
                custom_fields)
            values (\(tenantID), \(id), \(f.code), \(f.name), \(f.methodology.rawValue), \(f.phase.rawValue),
                \(f.status.rawValue), \(f.sponsor), \(f.manager), \(f.plannedStart),
                \(f.plannedFinish), \(f.budgetAtCompletion), \(f.currency), \(now), \(now),
                \(f.programmeID), \(CustomFields.json(f.customFields))::jsonb)
            returning \(unescaped: Self.columns)
            """, ProjectRecord(id: id, fields: fields, version: 1, createdAt: now, updatedAt: now))
    }

    /// The project, or nil when it does not exist in this tenant. `lock` takes a row lock for a write.
    public func find(_ reference: ProjectReference, lock: Bool = false) async throws -> ProjectRecord? {
        switch reference {
        case .id(let id):
            return try await find(id, lock: lock)
        case .code(let code):
            return try await rows("""
                select \(unescaped: Self.columns) from projects
                where tenant_id = \(tenantID) and code = \(code) \(unescaped: lock ? "for update" : "")
                """).first
        }
    }

    /// A page in id order whose custom fields contain `custom` (lists filtered by custom fields, in a
    /// transaction that has read the field definitions).
    public func list(status: ProjectStatus?, programme: UUID?, custom: [String: CustomFieldValue], after: UUID?,
                     limit: Int) async throws -> [ProjectRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from projects
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(status?.rawValue)::text is null or status = \(status?.rawValue))
              and (\(programme)::uuid is null or programme_id = \(programme))
              and custom_fields @> \(CustomFields.json(custom))::jsonb
            order by id limit \(limit)
            """)
    }

    /// Writes the record's field values and bumps the version.
    public func update(_ record: ProjectRecord, at now: Date) async throws -> ProjectRecord {
        let f = record.fields
        return try await write("""
            update projects set code = \(f.code), name = \(f.name), methodology = \(f.methodology.rawValue),
                phase = \(f.phase.rawValue), status = \(f.status.rawValue), sponsor = \(f.sponsor),
                manager = \(f.manager), planned_start = \(f.plannedStart),
                planned_finish = \(f.plannedFinish),
                budget_at_completion = \(f.budgetAtCompletion), currency = \(f.currency),
                programme_id = \(f.programmeID), custom_fields = \(CustomFields.json(f.customFields))::jsonb,
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """, record)
    }

    /// Decodes the project columns (in `columns` order) starting at column `first`.
    public static func decode(_ cells: [PostgresCell], from first: Int) throws -> ProjectRecord {
        func cell<T: PostgresDecodable>(_ offset: Int, _ type: T.Type) throws -> T {
            try cells[first + offset].decode(T.self)
        }
        let id = try cell(0, UUID.self)
        // A date column, or the text `pmo.keyed_projects` (a read, never a RETURNING) formats it as.
        func day(_ offset: Int) throws -> CalendarDate? {
            guard cells[first + offset].dataType != .date else { return try cell(offset, CalendarDate?.self) }
            guard let text = try cell(offset, String?.self) else { return nil }
            guard let day = CalendarDate(text) else { throw corrupt(id) }
            return day
        }
        guard let methodology = Methodology(rawValue: try cell(3, String.self)),
              let phase = ProjectPhase(rawValue: try cell(4, String.self)),
              let status = ProjectStatus(rawValue: try cell(5, String.self))
        else { throw corrupt(id) }
        let fields = ProjectFields(
            code: try cell(1, String.self), name: try cell(2, String.self), methodology: methodology, phase: phase,
            status: status, sponsor: try cell(6, String?.self), manager: try cell(7, String?.self),
            plannedStart: try day(8), plannedFinish: try day(9),
            budgetAtCompletion: try cell(10, Int64.self), currency: try cell(11, String.self),
            programmeID: try cell(15, UUID?.self),
            customFields: CustomFields.values(fromJSON: try cell(16, String?.self) ?? "{}"))
        return ProjectRecord(id: id, fields: fields, version: try cell(12, Int64.self),
                             createdAt: try cell(13, Date.self), updatedAt: try cell(14, Date.self))
    }
}

/// Project reads as single keyed statements (see `KeyedRead` and `pmo.keyed_projects`): one round
/// trip per request, prepared once per connection so PostgreSQL skips parsing and planning.
public struct KeyedProjectsStatement: PostgresPreparedStatement {
    public static let sql = "select * from pmo.keyed_projects($1, $2, $3, $4, $5, $6, $7)"
    public static let bindingDataTypes: [PostgresDataType] = [.text, .uuid, .text, .text, .uuid, .int8, .uuid]
    public typealias Row = [PostgresCell]

    let publicID: String
    let id: UUID?
    let code: String?
    let status: String?
    let after: UUID?
    let limit: Int64?
    var programme: UUID? = nil

    public func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 7)
        bindings.append(publicID)
        bindings.append(id)
        bindings.append(code)
        bindings.append(status)
        bindings.append(after)
        bindings.append(limit)
        bindings.append(programme)
        return bindings
    }

    public func decodeRow(_ row: PostgresRow) throws -> [PostgresCell] {
        Array(row)
    }
}

extension ProjectStore {
    public static func keyedFind(publicID: String, _ reference: ProjectReference) -> KeyedProjectsStatement {
        switch reference {
        case .id(let id):
            KeyedProjectsStatement(publicID: publicID, id: id, code: nil, status: nil, after: nil, limit: nil)
        case .code(let code):
            KeyedProjectsStatement(publicID: publicID, id: nil, code: code, status: nil, after: nil, limit: nil)
        }
    }

    /// One page in id order (ids are time-ordered), starting after `cursor`; reads `limit` rows and
    /// no more, so its cost does not grow with the tenant's size.
    public static func keyedList(publicID: String, status: ProjectStatus?, programme: UUID? = nil,
                                 after cursor: UUID?, limit: Int) -> KeyedProjectsStatement {
        KeyedProjectsStatement(publicID: publicID, id: nil, code: nil, status: status?.rawValue,
                               after: cursor ?? UUIDv7.lowest, limit: Int64(limit), programme: programme)
    }
}
