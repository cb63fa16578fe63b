import ArgumentParser
import Domain
import Foundation
import Persistence

/// A tenant's subscription: which plan version it is on, from when.
struct SubscriptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscription", abstract: "Show or change a tenant's plan.",
        subcommands: [Show.self, Change.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A tenant's subscription history, oldest first.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let history = try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                return try await database.tenantTransaction(tenantRecord.id) { scope in
                    try await SubscriptionStore(scope).history()
                }
            }
            SubscriptionCommand.print(history, json: json)
        }
    }

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a tenant to a plan from a day (today unless --on); a change mid-period is prorated by day.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "The plan's code.") var plan: String
        @Option(help: "A version of the plan (its newest unless given).") var version: Int?
        @Option(help: "The first day on the new plan, YYYY-MM-DD (today or later).") var on: String?

        func run() async throws {
            let environment = Domain.Environment.live
            let today = CalendarDate(utcDate: environment.now())
            guard let day = on.map({ CalendarDate($0) }) ?? today else {
                throw AdminFailure(message: "invalid --on \(on ?? ""): must be a date YYYY-MM-DD")
            }
            let history = try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                return try await database.tenantTransaction(tenantRecord.id) { scope in
                    let version = try await PlanStore(connection: scope.connection, logger: scope.logger)
                        .subscribable(code: plan, version: version)
                    let store = SubscriptionStore(scope)
                    try await store.change(to: version, from: day, today: today, id: environment.newID())
                    try await AuditLog(scope).recordOperator("changeSubscription", resourceType: "subscription",
                                                             resourceID: tenantRecord.id.uuid, changedFields: ["plan"])
                    try await PlatformAuditLog.recordCLI(
                        "changePlatformTenantSubscription", tenant: tenantRecord.id.uuid, resourceType: "subscription",
                        resourceID: tenantRecord.id.uuid.uuidString.lowercased(), changed: ["plan"], on: scope.connection,
                        logger: scope.logger)
                    return try await store.history()
                }
            }
            Swift.print("tenant \(tenant) is on \(plan) from \(day)")
            SubscriptionCommand.print(history, json: false)
        }
    }

    static func print(_ history: [SubscriptionRecord], json: Bool) {
        if json {
            Swift.print(TableOutput.json(history.map { record -> [String: Any] in
                ["id": record.id.uuidString.lowercased(), "plan": record.plan.code, "planVersion": record.plan.version,
                 "startsOn": record.startsOn.description, "endsOn": record.endsOn.map { $0.description as Any } ?? NSNull(),
                 "anchorDay": record.anchorDay]
            }))
            return
        }
        Swift.print(TableOutput.render(
            headers: ["PLAN", "VERSION", "FROM", "UNTIL", "ANCHOR DAY"],
            rows: history.map { [$0.plan.code, "\($0.plan.version)", $0.startsOn.description,
                                 $0.endsOn.map { $0.adding(days: -1).description } ?? "open", "\($0.anchorDay)"] }))
    }
}
