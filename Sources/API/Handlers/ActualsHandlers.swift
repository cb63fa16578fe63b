import APIDefinition
import Domain
import Foundation
import Persistence

/// Actual cost and hours, weekly timesheets, and earned value.
extension APIHandler {
    func listCostEntries(_ input: Operations.ListCostEntries.Input) async throws -> Operations.ListCostEntries.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in
            try await costEntries(context, input.path.projectRef).page(after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.resource), nextCursor: next))))
    }

    func createCostEntry(_ input: Operations.CreateCostEntry.Input) async throws -> Operations.CreateCostEntry.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let date = CalendarDate(body.date)
        checks.require(date != nil, "/date", "must be a calendar date YYYY-MM-DD")
        let item = checks.uuid(body.workItemId, at: "/workItemId")
        let member = checks.uuid(body.memberId, at: "/memberId")
        let amount = body.amount ?? 0
        checks.require((-1_000_000_000_000...1_000_000_000_000).contains(amount), "/amount", "must be within ±10^12 minor units")
        // Hours are kept to two decimals: what rounds to 0.00 is no time at all.
        let hours = body.hours.map { ($0 * 100).rounded() / 100 }
        if let hours {
            checks.require(hours.isFinite && hours > 0 && hours <= 24, "/hours", "must be at least 0.01 and at most 24")
        }
        checks.require(body.hours != nil || amount != 0, "/amount", "give hours, an amount, or both")
        checks.requireText(body.description, maxLength: 2000, at: "/description")
        try checks.throwIfAny()
        guard let date else { throw APIProblem.internalError }  // noted at /date when nil
        let created = try await idempotentCreate(Operations.CreateCostEntry.id) { context in
            let store = try await costEntries(context, input.path.projectRef)
            let entry = CostEntryRecord(
                id: context.environment.newID(), projectID: store.projectID, workItemID: item, memberID: member, date: date,
                hours: hours, amount: amount, description: body.description,
                createdAt: context.environment.now())
            let saved = try await store.insert(entry)
            try await audit(context, Operations.CreateCostEntry.id, "cost_entry", saved.id,
                            changed: ["workItemId", "memberId", "date", "hours", "amount", "description"])
            return Created(resource: Self.resource(saved),
                           location: "/v1/projects/\(saved.projectID.wire)/cost-entries/\(saved.id.wire)")
        }
        return .created(.init(headers: .init(location: created.location), body: .json(created.resource)))
    }

    func getCostEntry(_ input: Operations.GetCostEntry.Input) async throws -> Operations.GetCostEntry.Output {
        let id = try Self.resourceID(input.path.entryId, "Cost entry")
        let record = try await session.run { context in
            try await costEntries(context, input.path.projectRef).find(id)
        }
        guard let record else { throw APIProblem.notFound("Cost entry \(input.path.entryId)") }
        return .ok(.init(body: .json(Self.resource(record))))
    }

    func deleteCostEntry(_ input: Operations.DeleteCostEntry.Input) async throws -> Operations.DeleteCostEntry.Output {
        let id = try Self.resourceID(input.path.entryId, "Cost entry")
        try await session.run { context in
            let store = try await costEntries(context, input.path.projectRef)
            guard try await store.find(id) != nil else { throw APIProblem.notFound("Cost entry \(input.path.entryId)") }
            try await store.delete(id)
            try await audit(context, Operations.DeleteCostEntry.id, "cost_entry", id, changed: [])
        }
        return .noContent(.init())
    }

    func getTimesheet(_ input: Operations.GetTimesheet.Input) async throws -> Operations.GetTimesheet.Output {
        var checks = FieldChecks()
        let member = checks.uuid(input.query.memberId, at: "/memberId")
        checks.require(ISOWeek.isWellFormed(input.query.week), "/week", "must be an ISO week such as 2026-W48")
        if !checks.errors.isEmpty { throw APIProblem.badRequest("memberId and week are required.", errors: checks.errors) }
        guard let week = ISOWeek(input.query.week) else {
            throw ValidationFailure([FieldError(pointer: "/week", detail: "is no week of that year (it has 52)")])
        }
        guard let member else { throw APIProblem.internalError }
        let entries = try await session.run { context in
            guard try await MemberDirectory(context.scope).existing([member]).contains(member)
            else { throw APIProblem.notFound("Member \(input.query.memberId)") }
            return try await CostEntryStore.entries(of: member, from: week.monday, through: week.sunday, in: context.scope)
        }
        let days = week.days.map { day in
            let booked = entries.filter { $0.date == day }
            return Components.Schemas.TimesheetDay(date: day.description, hours: Self.hours(booked),
                                                   entries: booked.map(Self.resource))
        }
        return .ok(.init(body: .json(.init(
            memberId: member.wire, week: week.description, days: days,
            totalHours: Self.hours(entries), totalAmount: entries.reduce(0) { $0 + $1.amount }))))
    }

    func getEarnedValue(_ input: Operations.GetEarnedValue.Input) async throws -> Operations.GetEarnedValue.Output {
        let asOf: CalendarDate
        if let text = input.query.asOf {
            guard let parsed = CalendarDate(text) else {
                throw APIProblem.badRequest("asOf must be a calendar date YYYY-MM-DD.",
                                            errors: [FieldError(pointer: "/asOf", detail: "must be a calendar date YYYY-MM-DD")])
            }
            asOf = parsed
        } else {
            asOf = CalendarDate(utcDate: session.environment.now())
        }
        let (currency, items, actuals) = try await session.run { context in
            let project = try await project(context, input.path.projectRef)
            let items = try await WorkItemStore(context.scope, projectID: project.id).earnedValueItems()
            return (project.fields.currency, items,
                    try await CostEntryStore(context.scope, projectID: project.id).dailyTotals())
        }
        let f = EarnedValue.figures(items: items, actuals: actuals, asOf: asOf)
        let series = EarnedValue.weeklySeries(items: items, actuals: actuals, asOf: asOf)
        return .ok(.init(body: .json(.init(
            asOf: asOf.description, currency: currency, bac: f.bac, pv: f.pv, ev: f.ev, ac: f.ac, sv: f.sv, cv: f.cv,
            spi: f.spi, cpi: f.cpi, eac: f.eac, etc: f.etc, vac: f.vac, tcpi: f.tcpi,
            series: series.map { .init(weekEnding: $0.weekEnding.description, pv: $0.pv, ev: $0.ev, ac: $0.ac) }))))
    }

    /// Hours to two decimals (the stored precision), without floating-point residue from summing.
    static func hours(_ entries: [CostEntryRecord]) -> Double {
        Double(entries.reduce(0) { $0 + Int((($1.hours ?? 0) * 100).rounded()) }) / 100
    }

    static func resource(_ record: CostEntryRecord) -> Components.Schemas.CostEntry {
        Components.Schemas.CostEntry(
            id: record.id.wire, projectId: record.projectID.wire, workItemId: record.workItemID?.wire,
            memberId: record.memberID?.wire,
            date: record.date.description, hours: record.hours, amount: record.amount, description: record.description,
            createdAt: record.createdAt)
    }

    /// The cost entries of the project the path names (404 when it is not the caller's). Not a
    /// `ResourceKind`: cost entries have no version, so no `ETag` and no conditional delete.
    private func costEntries(_ context: TenantSession.Context, _ projectRef: String) async throws -> CostEntryStore {
        CostEntryStore(context.scope, projectID: try await project(context, projectRef).id)
    }
}
