public import Domain
public import Foundation
public import PostgresNIO

/// The tenant's stored working calendar; version 0 and no dates when it was never set.
public struct CalendarRecord: Sendable, Equatable {
    public var calendar: WorkingCalendar
    public var version: Int64
    public var updatedAt: Date?
}

/// `calendars`: one row per tenant at most, its working calendar. Rows have no id a client sees:
/// `current` and `save` name the tenant alone.
public struct CalendarStore: TenantTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "calendars"
    public static let columns = "working_weekdays, holidays, version, updated_at"

    public static func decode(_ row: PostgresRow) throws -> CalendarRecord {
        let (weekdays, holidays, version, updatedAt) = try row.decode(([Int16], [CalendarDate], Int64, Date).self)
        let calendar = WorkingCalendar(workingWeekdays: Set(weekdays.map(Int.init)), holidays: Set(holidays))
        return CalendarRecord(calendar: calendar, version: version, updatedAt: updatedAt)
    }

    /// The calendar, or the standard one (Monday to Friday, no holidays) at version 0.
    public func current(lock: Bool = false) async throws -> CalendarRecord {
        try await rows("""
            select \(unescaped: Self.columns)
            from calendars where tenant_id = \(tenantID) \(unescaped: lock ? "for update" : "")
            """).first ?? CalendarRecord(calendar: .standard, version: 0, updatedAt: nil)
    }

    /// Sets the calendar (creating the row the first time) and bumps its version.
    public func save(_ calendar: WorkingCalendar, id: UUID, at now: Date) async throws -> CalendarRecord {
        let weekdays = calendar.workingWeekdays.sorted().map(Int16.init)
        let holidays = calendar.holidays.sorted().map(\.description)
        try await scope.query("""
            insert into calendars (tenant_id, id, working_weekdays, holidays, created_at, updated_at)
            values (\(tenantID), \(id), \(weekdays), \(holidays)::date[], \(now), \(now))
            on conflict (tenant_id) do update set working_weekdays = excluded.working_weekdays,
                holidays = excluded.holidays, version = calendars.version + 1, updated_at = excluded.updated_at
            """)
        return try await current()
    }
}
