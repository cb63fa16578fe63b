import APIDefinition
import Domain
import Foundation
import Persistence

extension APIHandler {
    func getUsage(_ input: Operations.GetUsage.Input) async throws -> Operations.GetUsage.Output {
        var checks = FieldChecks()
        let from = CalendarDate(input.query.from)
        let to = CalendarDate(input.query.to)
        checks.require(from != nil, "/from", "must be a calendar date YYYY-MM-DD")
        checks.require(to != nil, "/to", "must be a calendar date YYYY-MM-DD")
        guard let from, let to else { throw APIProblem.badRequest("Invalid date range.", errors: checks.errors) }
        // A reversed range is empty rather than an error; the query reads only stored rows in the range,
        // so its cost follows the tenant's usage, not the width of the range.
        let lines = try await session.run { context in
            try await UsageStore(context.scope).report(from: from, to: to)
        }
        let items = lines.map { line in
            Components.Schemas.UsageLine(
                day: line.day.description, operationId: line.operationID,
                statusClass: Components.Schemas.UsageLine.StatusClassPayload(line.statusClass),
                count: line.calls)
        }
        return .ok(.init(body: .json(.init(from: from.description, to: to.description, items: items))))
    }
}
