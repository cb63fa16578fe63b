import APIDefinition
import Domain
import Foundation
import Persistence

/// The tenant's working calendar: work-item durations are counted in its working days.
extension APIHandler {
    func getCalendar(_ input: Operations.GetCalendar.Input) async throws -> Operations.GetCalendar.Output {
        let record = try await session.run { context in try await calendars(context).current() }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(Self.resource(record))))
    }

    func putCalendar(_ input: Operations.PutCalendar.Input) async throws -> Operations.PutCalendar.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.require(!body.workingWeekdays.isEmpty && body.workingWeekdays.allSatisfy { (1...7).contains($0) }
                       && Set(body.workingWeekdays).count == body.workingWeekdays.count,
                       "/workingWeekdays", "must be 1–7 distinct ISO weekdays (1 = Monday ... 7 = Sunday)")
        let texts = body.holidays ?? []
        checks.require(texts.count <= 1000, "/holidays", "must hold at most 1,000 dates")
        var holidays: Set<CalendarDate> = []
        for (index, text) in texts.enumerated() {
            guard let date = CalendarDate(text) else {
                checks.require(false, "/holidays/\(index)", "must be a calendar date YYYY-MM-DD")
                continue
            }
            checks.require(holidays.insert(date).inserted, "/holidays/\(index)", "is listed twice")
        }
        try checks.throwIfAny()
        let calendar = WorkingCalendar(workingWeekdays: Set(body.workingWeekdays), holidays: holidays)
        // Not `update`: the calendar is one per tenant, with no id, and at version 0 before its first PUT.
        let record = try await conditionalWrite(missing: .internalError, find: { context in
            let store = calendars(context)
            return (store, try await store.current(lock: true))
        }, version: { $0.1.version }) { context, found in
            let (store, current) = found
            guard current.calendar != calendar || current.version == 0 else { return current }
            let saved = try await store.save(calendar, id: context.environment.newID(), at: context.environment.now())
            try await audit(context, Operations.PutCalendar.id, "calendar", context.tenantID.uuid,
                            changed: ["workingWeekdays", "holidays"])
            return saved
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(Self.resource(record))))
    }

    static func resource(_ record: CalendarRecord) -> Components.Schemas.Calendar {
        Components.Schemas.Calendar(
            workingWeekdays: record.calendar.workingWeekdays.sorted(),
            holidays: record.calendar.holidays.sorted().map(\.description),
            updatedAt: record.updatedAt, version: record.version)
    }

    func calendars(_ context: TenantSession.Context) -> CalendarStore {
        CalendarStore(context.scope)
    }
}
