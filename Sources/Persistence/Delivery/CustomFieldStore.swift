public import Domain
public import Foundation
public import PostgresNIO

/// A stored custom field definition.
public struct CustomFieldRecord: VersionedRow, Equatable {
    public var id: UUID
    public var entity: CustomFieldEntity
    public var label: String
    public var definition: CustomFieldDefinition
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, entity: CustomFieldEntity, label: String, definition: CustomFieldDefinition, version: Int64 = 1,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.entity = entity
        self.label = label
        self.definition = definition
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// `custom_field_definitions`: the organisation's custom fields of projects and work items.
public struct CustomFieldStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "custom_field_definitions"
    public static let columns = "id, entity, key, label, type, options, version, created_at, updated_at"

    public static func decode(_ row: PostgresRow) throws -> CustomFieldRecord {
        let (id, entity, key, label, type, options, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, String, String, String, [String], Int64, Date, Date).self)
        guard let entity = CustomFieldEntity(rawValue: entity), let type = CustomFieldType(rawValue: type) else {
            throw corrupt(id)
        }
        return CustomFieldRecord(id: id, entity: entity, label: label,
                                 definition: CustomFieldDefinition(key: key, type: type, options: options),
                                 version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: CustomFieldRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "custom field", name: row.definition.key, field: "key") : nil
    }

    /// The definitions for one kind of resource, by key.
    public func definitions(for entity: CustomFieldEntity) async throws -> [String: CustomFieldDefinition] {
        Dictionary(uniqueKeysWithValues: try await rows("""
            select \(unescaped: Self.columns) from custom_field_definitions
            where tenant_id = \(tenantID) and entity = \(entity.rawValue)
            """).map { ($0.definition.key, $0.definition) })
    }

    /// A page in creation order, of one kind of resource's definitions or of all.
    public func list(entity: CustomFieldEntity?, after: UUID?, limit: Int) async throws -> [CustomFieldRecord] {
        try await rows("""
            select \(unescaped: Self.columns) from custom_field_definitions
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(entity?.rawValue)::text is null or entity = \(entity?.rawValue))
            order by id limit \(limit)
            """)
    }

    public func insert(_ record: CustomFieldRecord) async throws -> CustomFieldRecord {
        try await write("""
            insert into custom_field_definitions (tenant_id, id, entity, key, label, type, options, created_at, updated_at)
            values (\(tenantID), \(record.id), \(record.entity.rawValue), \(record.definition.key), \(record.label),
                    \(record.definition.type.rawValue), \(record.definition.options), \(record.createdAt), \(record.updatedAt))
            returning \(unescaped: Self.columns)
            """, record)
    }

    /// Changes the label and, for an enum, the options (values no longer allowed stay until changed).
    public func update(_ record: CustomFieldRecord, at now: Date) async throws -> CustomFieldRecord {
        try await write("""
            update custom_field_definitions set label = \(record.label), options = \(record.definition.options),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """, record)
    }

    /// Deletes the definition and its values everywhere, in the caller's transaction.
    public func delete(_ record: CustomFieldRecord) async throws {
        let table = record.entity == .project ? "projects" : "work_items"
        try await scope.query("""
            update \(unescaped: table) set custom_fields = custom_fields - \(record.definition.key)
            where tenant_id = \(tenantID) and custom_fields ? \(record.definition.key)
            """)
        try await delete(record.id)
    }
}
