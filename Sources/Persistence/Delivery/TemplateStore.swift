import Domain
import Foundation
import Logging
import PostgresNIO

/// A template of the methodology library: a platform one (every tenant reads it) or the tenant's own.
public struct TemplateRecord: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String?
    public var methodology: Methodology
    public var isPlatform: Bool
    public var content: TemplateContent
    public var createdAt: Date

    public init(id: UUID, name: String, description: String?, methodology: Methodology, isPlatform: Bool,
                content: TemplateContent, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.methodology = methodology
        self.isPlatform = isPlatform
        self.content = content
        self.createdAt = createdAt
    }
}

/// Platform templates are read-only to tenants.
public struct PlatformTemplateReadOnly: Error, Equatable {
    public let id: UUID
}

/// SQL for `platform_templates` and the tenant's `templates`, inside a transaction whose tenant is set.
public struct TemplateStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }
    var connection: PostgresConnection { scope.connection }
    var tenantID: TenantID { scope.tenantID }
    var logger: Logger { scope.logger }

    public func find(_ id: UUID) async throws -> TemplateRecord? {
        try await all("""
            select id, name, description, methodology, true, content::text, created_at from platform_templates where id = \(id)
            union all
            select id, name, description, methodology, false, content::text, created_at from templates
            where tenant_id = \(tenantID) and id = \(id)
            """).first
    }

    public func list(after: UUID?, limit: Int) async throws -> [TemplateRecord] {
        let after = after ?? UUIDv7.lowest
        return try await all("""
            (select id, name, description, methodology, true, content::text, created_at from platform_templates
             where id > \(after) order by id limit \(limit))
            union all
            (select id, name, description, methodology, false, content::text, created_at from templates
             where tenant_id = \(tenantID) and id > \(after) order by id limit \(limit))
            order by 1 limit \(limit)
            """)
    }

    public func insert(_ template: TemplateRecord) async throws -> TemplateRecord {
        let content = String(decoding: try JSONEncoder().encode(template.content), as: UTF8.self)
        do {
            try await connection.query("""
                insert into templates (tenant_id, id, name, description, methodology, content, created_at)
                values (\(tenantID), \(template.id), \(template.name), \(template.description),
                        \(template.methodology.rawValue), \(content)::jsonb, \(template.createdAt))
                """, logger: logger)
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            throw DuplicateName(kind: "template", name: template.name)
        }
        guard let saved = try await find(template.id) else { throw CorruptRow(table: "templates", id: template.id) }
        return saved
    }

    /// Deletes the tenant's template; a platform template is refused.
    public func delete(_ template: TemplateRecord) async throws {
        guard !template.isPlatform else { throw PlatformTemplateReadOnly(id: template.id) }
        try await connection.query("delete from templates where tenant_id = \(tenantID) and id = \(template.id)", logger: logger)
    }

    private func all(_ query: PostgresQuery) async throws -> [TemplateRecord] {
        var records: [TemplateRecord] = []
        for try await (id, name, description, methodology, platform, content, createdAt) in try await connection
            .query(query, logger: logger).decode((UUID, String, String?, String, Bool, String, Date).self) {
            guard let methodology = Methodology(rawValue: methodology),
                  let decoded = try? JSONDecoder().decode(TemplateContent.self, from: Data(content.utf8))
            else { throw CorruptRow(table: platform ? "platform_templates" : "templates", id: id) }
            records.append(TemplateRecord(id: id, name: name, description: description, methodology: methodology,
                                          isPlatform: platform, content: decoded, createdAt: createdAt))
        }
        return records
    }
}
