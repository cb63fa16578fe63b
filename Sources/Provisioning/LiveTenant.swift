import Auth
import Domain
import Foundation
import Persistence

/// The parts of a live tenant that a manifest describes, as stored: what a manifest is planned
/// against (`state`) and what `tenant export` writes back as a manifest.
struct LiveTenant {
    var tenant: TenantRecord?
    var members: [MemberRecord] = []
    var keys: [APIKeyRecord] = []
    var clients: [ClientRecord] = []
    var sso: SSOConfigRecord?
    var templates: [TemplateRecord] = []
    var calendar: WorkingCalendar = .standard
    var projects: [String: ProjectRecord] = [:]

    /// Which projects to read: the manifest's (by code) or every one (an export).
    enum Projects {
        case codes([String])
        case all
    }

    /// Reads the tenant `scope` is bound to; a tenant not created yet has nothing else.
    static func read(_ tenant: TenantRecord?, scope: TenantScope, projects selection: Projects,
                     lock: Bool) async throws -> LiveTenant {
        guard let tenant else { return LiveTenant(tenant: nil) }
        var live = LiveTenant(tenant: tenant)
        live.members = try await everyPage(\.id) { try await MemberStore(scope).list(status: nil, role: nil, after: $0, limit: $1) }
        live.keys = try await APIKeyStore(scope).activeUnowned()
        live.clients = try await ClientStore(scope).everyWithoutKeyUse()
        live.sso = try await SSOConfigStore(scope).find(lock: lock)
        live.templates = try await everyPage(\.id) { try await TemplateStore(scope).page(after: $0, limit: $1) }
        live.calendar = try await CalendarStore(scope).current(lock: lock).calendar
        let store = ProjectStore(scope)
        switch selection {
        case .codes(let codes):
            for code in codes {
                if let record = try await store.find(.code(code), lock: lock) { live.projects[code] = record }
            }
        case .all:
            let all = try await everyPage(\.id) {
                try await store.list(status: nil, programme: nil, custom: [:], after: $0, limit: $1)
            }
            for record in all { live.projects[record.fields.code] = record }
        }
        return live
    }

    var state: ManifestPlan.LiveState {
        ManifestPlan.LiveState(
            tenant: tenant, members: members, activeKeys: keys, clients: clients, sso: sso,
            templateNames: Set(templates.map(\.name)), calendar: calendar, projects: projects.mapValues(\.fields))
    }

    /// Every row of a table read in pages of id order, for the few callers that need the whole set.
    private static func everyPage<Row>(_ id: KeyPath<Row, UUID>, _ page: (_ after: UUID?, _ limit: Int) async throws -> [Row])
        async throws -> [Row] {
        let limit = 500
        var rows: [Row] = []
        var cursor: UUID?
        while true {
            let next = try await page(cursor, limit)
            rows += next
            guard next.count == limit, let last = next.last else { return rows }
            cursor = last[keyPath: id]
        }
    }
}
