import APIDefinition
import Domain
import Foundation
import OpenAPIRuntime
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

/// The tenant's invoices, once issued (drafts are the platform's work in progress).
extension APIHandler {
    func listInvoices(_ input: Operations.ListInvoices.Input) async throws -> Operations.ListInvoices.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let (tenant, page) = try await session.run { context in
            (context.tenantID, try await InvoiceStore(context.scope).page(after: cursor, limit: limit + 1, issuedOnly: true))
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map { BillingMapping.invoice($0, tenantID: tenant) }, nextCursor: next))))
    }

    func getInvoice(_ input: Operations.GetInvoice.Input) async throws -> Operations.GetInvoice.Output {
        let id = try Self.invoiceID(input.path.invoiceId)
        let invoice = try await session.run { context -> Components.Schemas.Invoice in
            let store = InvoiceStore(context.scope)
            guard let record = try await store.find(id), record.status != .draft else { throw Self.invoiceNotFound(input.path.invoiceId) }
            return BillingMapping.invoice(record, tenantID: context.tenantID, lines: try await store.lines(of: id),
                                          payments: try await store.payments(of: id))
        }
        return .ok(.init(body: .json(invoice)))
    }

    func getInvoiceLinesCSV(_ input: Operations.GetInvoiceLinesCSV.Input) async throws -> Operations.GetInvoiceLinesCSV.Output {
        let id = try Self.invoiceID(input.path.invoiceId)
        let csv = try await session.run { context -> String in
            let store = InvoiceStore(context.scope)
            guard let record = try await store.find(id), record.status != .draft else { throw Self.invoiceNotFound(input.path.invoiceId) }
            return BillingMapping.linesCSV(try await store.lines(of: id))
        }
        return .ok(.init(body: .csv(HTTPBody(csv))))
    }

    static func invoiceID(_ reference: String) throws -> UUID {
        guard let id = UUID(uuidString: reference) else { throw invoiceNotFound(reference) }
        return id
    }

    static func invoiceNotFound(_ reference: String) -> APIProblem { .notFound("Invoice \(reference)") }
}
