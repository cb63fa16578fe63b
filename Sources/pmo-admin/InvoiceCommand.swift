import ArgumentParser
import Domain
import Foundation
import Persistence
import UseCases

/// Invoices (docs/OPERATIONS.md, "Invoices"): a closed month invoiced for every tenant, then issued,
/// paid or voided.
struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices", abstract: "Invoice a closed month; list, issue, void and record payments.",
        subcommands: [Run.self, List.self, Issue.self, Void.self, Pay.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invoice every tenant's billing period that starts in a month (again: no change).")
        @Option(help: "The month, YYYY-MM; each tenant's period starts in it on its anchor day.") var period: String
        @Flag(help: "Issue the invoices it creates (numbering them); otherwise they stay drafts.") var issue = false
        @Flag(help: "Print JSON instead of the table.") var json = false

        static let width = 4

        func run() async throws {
            guard let month = YearMonth(period) else { throw AdminFailure(message: "invalid --period \(period): must be YYYY-MM") }
            let environment = Domain.Environment.live
            let today = CalendarDate(utcDate: environment.now())
            let bar = ProgressBar(enabled: !json && isatty(STDERR_FILENO) == 1)
            let started = Date()
            // Tenants are invoiced four at a time, each in its own transaction: the run waits on the
            // database more than it computes.
            var limits = DatabasePool.Limits.administration
            limits.size = Self.width
            let outcomes = try await AdminDatabase.run(limits: limits) { database in
                let tenants = try await TenantStore(database: database).list().map { ($0.id, $0.slug) }
                let outcomes = try await InvoiceRun.run(month: month, today: today, tenants: tenants, issue: issue, database: database,
                                                        environment: environment, width: Self.width, progress: bar.show)
                // One platform event for the run (each tenant's invoice was written in a transaction
                // of its own); a rerun that created nothing adds none.
                let created = outcomes.filter { if case .created = $0.outcome { true } else { false } }.count
                if created > 0 {
                    try await database.withConnection { connection in
                        try await PlatformAuditLog.recordCLI(
                            "runInvoices", tenant: nil, resourceType: "invoice_run", resourceID: month.description,
                            changed: ["invoices"], reason: "\(created) invoice(s) created for \(month)\(issue ? " and issued" : "")",
                            on: connection, logger: database.logger)
                    }
                }
                return outcomes
            }
            bar.finish()
            if json {
                print(TableOutput.json(outcomes.map(InvoiceCommand.object)))
                return
            }
            print(TableOutput.render(headers: ["TENANT", "PERIOD", "OUTCOME", "INVOICE", "STATUS", "TOTAL"], rows: outcomes.map(InvoiceCommand.row)))
            let created = outcomes.filter { if case .created = $0.outcome { true } else { false } }.count
            let existing = outcomes.filter { if case .exists = $0.outcome { true } else { false } }.count
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            print(created == 0
                  ? "no changes: \(existing) invoice\(existing == 1 ? "" : "s") for \(month) existed already (\(outcomes.count) tenants, \(seconds) s)"
                  : "created \(created) invoice\(created == 1 ? "" : "s") for \(month); \(existing) existed already (\(outcomes.count) tenants, \(seconds) s)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A tenant's invoices, oldest first.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let invoices = try await InvoiceCommand.onTenant(tenant) { scope in
                try await InvoiceStore(scope).page(after: nil, limit: 10_000)
            }
            if json {
                print(TableOutput.json(invoices.map(InvoiceCommand.object)))
            } else {
                print(TableOutput.render(headers: ["ID", "PERIOD", "NUMBER", "STATUS", "TOTAL", "PAID"], rows: invoices.map { invoice in
                    [invoice.id.uuidString.lowercased(), invoice.period.description, invoice.number.map(String.init) ?? "",
                     invoice.status.rawValue, "\(invoice.total) \(invoice.currency)", "\(invoice.paid)"]
                }))
            }
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a draft invoice: it takes the tenant's next number.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Argument(help: "The invoice's id.") var invoice: String

        func run() async throws {
            let issued = try await InvoiceCommand.change(tenant, invoice, "issueInvoice") { store, id, now in
                try await store.issue(id, at: now)
            }
            print("invoice \(issued.id.uuidString.lowercased()) issued as number \(issued.number ?? 0)")
        }
    }

    struct Void: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Void a draft or issued invoice with a reason; run the month again to make its correction.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "Why (1–500 characters).") var reason: String
        @Argument(help: "The invoice's id.") var invoice: String

        func run() async throws {
            guard TextRules.isReason(reason) else {
            throw AdminFailure(message: "invalid --reason: must be 1–500 characters, not blank, without control characters")
        }
            let voided = try await InvoiceCommand.change(tenant, invoice, "voidInvoice") { store, id, now in
                try await store.void(id, reason: reason, at: now)
            }
            print("invoice \(voided.id.uuidString.lowercased()) voided")
        }
    }

    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a payment of an issued invoice.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "Minor units received.") var amount: Int64
        @Option(help: "The day it was received, YYYY-MM-DD.") var on: String
        @Option(help: "The payment's reference (bank transfer id, …).") var reference: String
        @Argument(help: "The invoice's id.") var invoice: String

        func run() async throws {
            guard amount > 0 else { throw AdminFailure(message: "invalid --amount \(amount): must be positive") }
            guard let day = CalendarDate(on) else { throw AdminFailure(message: "invalid --on \(on): must be a date YYYY-MM-DD") }
            guard (1...200).contains(reference.count) else { throw AdminFailure(message: "invalid --reference: must be 1–200 characters") }
            let paid = try await InvoiceCommand.change(tenant, invoice, "recordInvoicePayment") { store, id, now in
                try await store.recordPayment(id, amount: amount, paidOn: day, reference: reference,
                                              by: "pmo-admin:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"),
                                              paymentID: Domain.Environment.live.newID(), at: now)
            }
            print("invoice \(paid.id.uuidString.lowercased()): \(paid.paid) of \(paid.total) \(paid.currency) paid, \(paid.status.rawValue)")
        }
    }

    static func onTenant<Result: Sendable>(_ slug: String, _ work: (TenantScope) async throws -> Result) async throws -> Result {
        try await AdminDatabase.run { database in
            let tenant = try await TenantStore(database: database).find(slug: slug)
            return try await database.tenantTransaction(tenant.id) { scope in try await work(scope) }
        }
    }

    /// A status change of one invoice, audited for the operator in the same transaction.
    static func change(_ slug: String, _ reference: String, _ operation: String,
                       _ work: (InvoiceStore, UUID, Date) async throws -> InvoiceRecord?) async throws -> InvoiceRecord {
        guard let id = UUID(uuidString: reference) else { throw AdminFailure(message: "invalid invoice id \(reference)") }
        let changed = try await onTenant(slug) { scope in
            let record = try await work(InvoiceStore(scope), id, Date())
            if record != nil {
                try await AuditLog(scope).recordOperator(operation, resourceType: "invoice", resourceID: id, changedFields: ["status"])
                try await PlatformAuditLog.recordCLI(operation, tenant: scope.tenantID.uuid, resourceType: "invoice",
                                                     resourceID: id.uuidString.lowercased(), changed: ["status"],
                                                     on: scope.connection, logger: scope.logger)
            }
            return record
        }
        guard let changed else { throw AdminFailure(message: "tenant \(slug) has no invoice \(reference)") }
        return changed
    }

    static func row(_ outcome: InvoiceRun.TenantOutcome) -> [String] {
        switch outcome.outcome {
        case .created(let invoice), .exists(let invoice):
            let verb = if case .created = outcome.outcome { "created" } else { "existed" }
            return [outcome.slug, invoice.period.description, verb, invoice.number.map { "#\($0)" } ?? invoice.id.uuidString.lowercased().prefix(8) + "…",
                    invoice.status.rawValue, "\(invoice.total) \(invoice.currency)"]
        case .notClosed(let period):
            return [outcome.slug, period.description, "not closed until \(period.end)", "", "", ""]
        case .noSubscription:
            return [outcome.slug, "", "no plan in force", "", "", ""]
        }
    }

    static func object(_ outcome: InvoiceRun.TenantOutcome) -> [String: Any] {
        var object: [String: Any] = ["tenant": outcome.slug]
        switch outcome.outcome {
        case .created(let invoice): object["outcome"] = "created"; object["invoice"] = Self.object(invoice)
        case .exists(let invoice): object["outcome"] = "exists"; object["invoice"] = Self.object(invoice)
        case .notClosed(let period): object["outcome"] = "not_closed"; object["closesOn"] = period.end.description
        case .noSubscription: object["outcome"] = "no_subscription"
        }
        return object
    }

    static func object(_ invoice: InvoiceRecord) -> [String: Any] {
        ["id": invoice.id.uuidString.lowercased(), "periodStart": invoice.period.start.description,
         "periodEnd": invoice.period.end.description, "status": invoice.status.rawValue,
         "number": invoice.number.map { $0 as Any } ?? NSNull(), "total": invoice.total, "paid": invoice.paid,
         "currency": invoice.currency]
    }
}

/// A one-line progress bar on standard error, redrawn in place; nothing when not on a terminal.
struct ProgressBar: Sendable {
    let enabled: Bool

    func show(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = done * width / total
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
