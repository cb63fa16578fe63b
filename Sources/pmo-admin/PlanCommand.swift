import ArgumentParser
import Domain
import Foundation
import Persistence
import Provisioning

/// The plan catalogue (docs/OPERATIONS.md, "Plans and subscriptions"): plans are versioned, and a
/// subscription keeps the version it is on until an operator moves it.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Define, list, show and archive plans.",
        subcommands: [Create.self, Edit.self, List.self, Show.self, Archive.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a plan with a new code (version 1) from a plan file.")
        @Option(help: "A YAML or JSON plan file (docs/OPERATIONS.md shows one).") var file: String

        func run() async throws {
            try await PlanCommand.define(file: file, requireNew: true)
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a plan file as the next version of its code (the same terms again change nothing).")
        @Option(help: "A YAML or JSON plan file whose code exists.") var file: String

        func run() async throws {
            try await PlanCommand.define(file: file, requireNew: false)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every version of every plan.")
        @Flag(help: "Include archived plans.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let plans = try await AdminDatabase.run { database in
                try await database.withConnection { connection in
                    try await PlanStore(connection: connection, logger: database.logger).list(includeArchived: all)
                }
            }
            if json {
                print(TableOutput.json(plans.map(PlanCommand.object)))
                return
            }
            print(TableOutput.render(
                headers: ["CODE", "VERSION", "NAME", "BASE FEE", "RATE LIMIT", "STATUS"],
                rows: plans.map { plan in
                    [plan.code, "\(plan.version)", plan.terms.name, "\(plan.terms.baseFee) \(plan.terms.currency)",
                     "\(plan.terms.rateLimit.requestsPerSecond)/s burst \(plan.terms.rateLimit.burst)",
                     plan.archivedAt == nil ? "open" : "archived"]
                }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a plan's terms (its newest version unless --version).")
        @Argument var code: String
        @Option(help: "A version number.") var version: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let found = try await AdminDatabase.run { database in
                try await database.withConnection { connection in
                    try await PlanStore(connection: connection, logger: database.logger).find(code: code, version: version)
                }
            }
            guard let plan = found else { throw AdminFailure(message: AdminDatabase.message(for: UnknownPlan(code: code, version: version))) }
            if json {
                print(TableOutput.json(PlanCommand.object(plan)))
                return
            }
            let terms = plan.terms
            print(TableOutput.render(headers: ["FIELD", "VALUE"], rows: [
                ["code", terms.code], ["version", "\(plan.version)"], ["name", terms.name],
                ["base fee", "\(terms.baseFee) \(terms.currency) (minor units per period)"],
                ["rate limit", "\(terms.rateLimit.requestsPerSecond) requests/s, burst \(terms.rateLimit.burst)"],
                ["status", plan.archivedAt.map { "archived \(TableOutput.timestamp($0))" } ?? "open"],
                ["id", plan.id.uuidString.lowercased()], ["created", TableOutput.timestamp(plan.createdAt)],
            ]))
            print("")
            print(TableOutput.render(
                headers: ["METRIC", "INCLUDED", "HARD QUOTA", "OVERAGE TIERS"],
                rows: BillingMetric.allCases.map { metric in
                    let metricTerms = terms.terms(for: metric)
                    let tiers = metricTerms.tiers.map { tier in
                        "\(tier.upTo.map { "up to \($0)" } ?? "beyond"): \(tier.unitPrice) per \(tier.per)"
                    }
                    return [metric.rawValue, "\(metricTerms.included)", metricTerms.hardQuota.map(String.init) ?? "none",
                            tiers.isEmpty ? "not charged" : tiers.joined(separator: "; ")]
                }))
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive a plan: no new subscription may start on it; tenants on it stay until moved.")
        @Argument var code: String

        func run() async throws {
            let versions = try await AdminDatabase.run { database in
                try await database.transaction { connection in
                    let versions = try await PlanStore(connection: connection, logger: database.logger).archive(code: code, at: Date())
                    try await PlatformAuditLog.recordCLI("archivePlatformPlan", tenant: nil, resourceType: "plan", resourceID: code,
                                                         changed: ["archivedAt"], on: connection, logger: database.logger)
                    return versions
                }
            }
            print("plan \(code) archived (\(versions.count) version\(versions.count == 1 ? "" : "s"))")
        }
    }

    static func define(file: String, requireNew: Bool) async throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw AdminFailure(message: "cannot read \(file): \(error.localizedDescription)")
        }
        let terms: PlanTerms
        do {
            terms = try PlanDocument.parse(text)
        } catch {
            throw AdminFailure(message: "invalid plan file \(file): \(error)")
        }
        let outcome = try await AdminDatabase.run { database in
            try await database.transaction { connection in
                let outcome = try await PlanStore(connection: connection, logger: database.logger)
                    .define(terms, id: Domain.Environment.live.newID(), requireNew: requireNew)
                // As the platform API records it: a new plan or a new version, never an unchanged one.
                if case .created(let plan) = outcome {
                    try await PlatformAuditLog.recordCLI(
                        plan.version == 1 ? "createPlatformPlan" : "addPlatformPlanVersion", tenant: nil, resourceType: "plan",
                        resourceID: plan.code, changed: ["version \(plan.version)"], on: connection, logger: database.logger)
                }
                return outcome
            }
        }
        switch outcome {
        case .created(let plan): print("plan \(plan.code) version \(plan.version) created (\(plan.id.uuidString.lowercased()))")
        case .unchanged(let plan): print("plan \(plan.code) version \(plan.version) already has these terms: no change")
        }
    }

    static func object(_ plan: PlanVersion) -> [String: Any] {
        let terms = plan.terms
        var metrics: [String: Any] = [:]
        for (metric, metricTerms) in terms.metrics {
            metrics[metric.rawValue] = [
                "included": metricTerms.included, "hardQuota": metricTerms.hardQuota.map { $0 as Any } ?? NSNull(),
                "tiers": metricTerms.tiers.map { ["upTo": $0.upTo.map { $0 as Any } ?? NSNull(), "unitPrice": $0.unitPrice, "per": $0.per] },
            ] as [String: Any]
        }
        return ["id": plan.id.uuidString.lowercased(), "code": terms.code, "version": plan.version, "name": terms.name,
                "currency": terms.currency, "baseFee": terms.baseFee,
                "rateLimit": ["requestsPerSecond": terms.rateLimit.requestsPerSecond, "burst": terms.rateLimit.burst],
                "metrics": metrics, "createdAt": TableOutput.timestamp(plan.createdAt),
                "archivedAt": plan.archivedAt.map { TableOutput.timestamp($0) as Any } ?? NSNull()]
    }
}
