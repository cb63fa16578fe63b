import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// A tenant's own view of its billing: the subscription (usage and invoices live beside it).
extension APIHandler {
    func getSubscription(_ input: Operations.GetSubscription.Input) async throws -> Operations.GetSubscription.Output {
        let today = CalendarDate(utcDate: session.environment.now())
        let history = try await session.run { context in try await SubscriptionStore(context.scope).history() }
        return .ok(.init(body: .json(try BillingMapping.subscription(history, today: today))))
    }

    func getUsageSummary(_ input: Operations.GetUsageSummary.Input) async throws -> Operations.GetUsageSummary.Output {
        let usage = try await session.run { context in
            let now = context.environment.now()
            return try await PeriodUsage.current(context.scope, today: CalendarDate(utcDate: now), now: now,
                                                 newID: context.environment.newID)
        }
        guard let usage else { throw APIProblem.notFound("A subscription in force") }
        return .ok(.init(body: .json(BillingMapping.summary(usage))))
    }
}
