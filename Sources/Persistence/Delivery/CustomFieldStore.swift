import Domain
import Foundation
import Logging
import PostgresNIO

/// A stored custom field definition.
public struct CustomFieldRecord: Sendable, Equatable {
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

/// SQL for `custom_field_definitions`, inside a transaction whose tenant is set.
public struct CustomFieldStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    static let columns = "id, entity, key, label, type, options, version, created_at, updated_at"

    /// The definitions for one kind of resource, by key.
    public func definitions(for entity: CustomFieldEntity) async throws -> [String: CustomFieldDefinition] {
        Dictionary(uniqueKeysWithValues: try await all("""
            select \(unescaped: Self.columns) from custom_field_definitions
            where tenant_id = \(tenantID) and entity = \(entity.rawValue)
            """).map { ($0.definition.key, $0.definition) })
    }

    public func list(entity: CustomFieldEntity?, after: UUID?, limit: Int) async throws -> [CustomFieldRecord] {
        try await all("""
            select \(unescaped: Self.columns) from custom_field_definitions
            where tenant_id = \(tenantID) and id > \(after ?? UUIDv7.lowest)
              and (\(entity?.rawValue)::text is null or entity = \(entity?.rawValue))
            order by id limit \(limit)
            """)
    }

    public func find(_ id: UUID, lock: Bool = false) async throws -> CustomFieldRecord? {
        try await all("""
            select \(unescaped: Self.columns) from custom_field_definitions where tenant_id = \(tenantID) and id = \(id)
            \(unescaped: lock ? "for update" : "")
            """).first
    }

    public func insert(_ record: CustomFieldRecord) async throws -> CustomFieldRecord {
        do {
            return try await all("""
                insert into custom_field_definitions (tenant_id, id, entity, key, label, type, options, created_at, updated_at)
                values (\(tenantID), \(record.id), \(record.entity.rawValue), \(record.definition.key), \(record.label),
                        \(record.definition.type.rawValue), \(record.definition.options), \(record.createdAt), \(record.updatedAt))
                returning \(unescaped: Self.columns)
                """)[0]
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "custom field", name: record.definition.key, field: "key")
        }
    }

    /// Changes the label and, for an enum, the options (values no longer allowed stay until changed).
    public func update(_ record: CustomFieldRecord, at now: Date) async throws -> CustomFieldRecord {
        try await all("""
            update custom_field_definitions set label = \(record.label), options = \(record.definition.options),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(record.id)
            returning \(unescaped: Self.columns)
            """)[0]
    }

    /// Deletes the definition and its values everywhere, in the caller's transaction.
    public func delete(_ record: CustomFieldRecord) async throws {
        let table = record.entity == .project ? "projects" : "work_items"
        try await connection.query("""
            update \(unescaped: table) set custom_fields = custom_fields - \(record.definition.key)
            where tenant_id = \(tenantID) and custom_fields ? \(record.definition.key)
            """, logger: logger)
        try await connection.query(
            "delete from custom_field_definitions where tenant_id = \(tenantID) and id = \(record.id)", logger: logger)
    }

    private func all(_ query: PostgresQuery) async throws -> [CustomFieldRecord] {
        var records: [CustomFieldRecord] = []
        for try await (id, entity, key, label, type, options, version, createdAt, updatedAt) in try await connection
            .query(query, logger: logger).decode((UUID, String, String, String, String, [String], Int64, Date, Date).self) {
            guard let entity = CustomFieldEntity(rawValue: entity), let type = CustomFieldType(rawValue: type) else {
                throw CorruptRow(table: "custom_field_definitions", id: id)
            }
            records.append(CustomFieldRecord(id: id, entity: entity, label: label,
                                             definition: CustomFieldDefinition(key: key, type: type, options: options),
                                             version: version, createdAt: createdAt, updatedAt: updatedAt))
        }
        return records
    }
}
