public import Domain
public import Foundation
public import PostgresNIO

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

/// The tenant's `templates`, and with them the `platform_templates` every tenant reads: the
/// methodology library. `find`, `page` and `delete` see the tenant's own templates only; `library`
/// and `libraryPage` see both.
public struct TemplateStore: TenantTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "templates"
    /// The sixth column tells a platform template (true) from the tenant's (false).
    public static let columns = "id, name, description, methodology, false, content::text, created_at"
    static let platformColumns = "id, name, description, methodology, true, content::text, created_at"

    public static func decode(_ row: PostgresRow) throws -> TemplateRecord {
        let (id, name, description, methodology, platform, content, createdAt) = try row.decode(
            (UUID, String, String?, String, Bool, String, Date).self)
        guard let methodology = Methodology(rawValue: methodology),
              let decoded = try? JSONDecoder().decode(TemplateContent.self, from: Data(content.utf8))
        else { throw platform ? CorruptRow(table: "platform_templates", id: id) : corrupt(id) }
        return TemplateRecord(id: id, name: name, description: description, methodology: methodology,
                              isPlatform: platform, content: decoded, createdAt: createdAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: TemplateRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "template", name: row.name) : nil
    }

    /// A template of the library: a platform one or the tenant's.
    public func library(_ id: UUID) async throws -> TemplateRecord? {
        try await rows("""
            select \(unescaped: Self.platformColumns) from platform_templates where id = \(id)
            union all
            select \(unescaped: Self.columns) from templates where tenant_id = \(tenantID) and id = \(id)
            """).first
    }

    /// A page of the library in id order, platform and tenant templates together.
    public func libraryPage(after: UUID?, limit: Int) async throws -> [TemplateRecord] {
        let after = after ?? UUIDv7.lowest
        return try await rows("""
            (select \(unescaped: Self.platformColumns) from platform_templates
             where id > \(after) order by id limit \(limit))
            union all
            (select \(unescaped: Self.columns) from templates
             where tenant_id = \(tenantID) and id > \(after) order by id limit \(limit))
            order by 1 limit \(limit)
            """)
    }

    /// The names of the platform library's templates.
    public func platformNames() async throws -> Set<String> {
        var names: Set<String> = []
        for try await name in try await scope.query("select name from platform_templates").decode(String.self) { names.insert(name) }
        return names
    }

    /// The platform template with this name (names are unique in the platform library).
    public func platform(named name: String) async throws -> TemplateRecord? {
        try await rows("select \(unescaped: Self.platformColumns) from platform_templates where name = \(name)").first
    }

    public func insert(_ template: TemplateRecord) async throws -> TemplateRecord {
        let content = String(decoding: try JSONEncoder().encode(template.content), as: UTF8.self)
        return try await write("""
            insert into templates (tenant_id, id, name, description, methodology, content, created_at)
            values (\(tenantID), \(template.id), \(template.name), \(template.description),
                    \(template.methodology.rawValue), \(content)::jsonb, \(template.createdAt))
            returning \(unescaped: Self.columns)
            """, template)
    }

    /// Deletes the tenant's template; a platform template is refused.
    public func delete(_ template: TemplateRecord) async throws {
        guard !template.isPlatform else { throw PlatformTemplateReadOnly(id: template.id) }
        try await delete(template.id)
    }
}
