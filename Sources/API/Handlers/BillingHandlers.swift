import APIDefinition
import Domain
import Foundation
import Persistence

/// A tenant's own view of its billing: the subscription (usage and invoices live beside it).
extension APIHandler {
    func getSubscription(_ input: Operations.GetSubscription.Input) async throws -> Operations.GetSubscription.Output {
        let today = CalendarDate(utcDate: session.environment.now())
        let history = try await session.run { context in try await SubscriptionStore(context.scope).history() }
        return .ok(.init(body: .json(try BillingMapping.subscription(history, today: today))))
    }
}
