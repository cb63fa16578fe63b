import ArgumentParser
import Domain
import Foundation
import Persistence
import Provisioning

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Create, inspect, suspend, resume and offboard tenants; apply, diff and export their manifests; export and erase their data.",
        subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self, Offboard.self, Apply.self, Diff.self, Export.self,
                      ExportData.self, ImportData.self, Erase.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant.")
        @Option(help: "URL-safe unique key, ^[a-z0-9][a-z0-9-]{1,62}$.") var slug: String
        @Option(help: "Display name.") var name: String
        @Option(help: "The code of a plan in the catalogue (pmo-admin plan list); the tenant starts on its newest version today.")
        var plan: String

        func run() async throws {
            guard TenantSlug.isValid(slug) else { throw AdminFailure(message: "invalid slug \(slug): must match ^[a-z0-9][a-z0-9-]{1,62}$") }
            guard TextRules.isPrintable(name, maxLength: 200), !TextRules.isBlank(name) else {
                throw AdminFailure(message: "invalid --name: 1–200 characters, not blank, without control characters")
            }
            let environment = Domain.Environment.live
            let tenant = try await AdminDatabase.run { database in
                try await TenantStore(database: database).create(
                    id: TenantID(environment.newID()), slug: slug, name: name, plan: plan,
                    today: CalendarDate(utcDate: environment.now()), subscriptionID: environment.newID())
            }
            print("created tenant \(tenant.slug) (\(tenant.id.uuidString.lowercased()), plan \(tenant.plan))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tenants = try await AdminDatabase.run { try await TenantStore(database: $0).list() }
            if json {
                print(TableOutput.json(tenants.map(TenantCommand.object)))
            } else {
                print(TableOutput.render(
                    headers: ["SLUG", "NAME", "PLAN", "STATUS", "ID"],
                    rows: tenants.map { [$0.slug, $0.name, $0.plan, $0.status.rawValue, $0.id.uuidString.lowercased()] }))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one tenant.")
        @Argument var slug: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tenant = try await AdminDatabase.run { try await TenantStore(database: $0).find(slug: slug) }
            if json {
                print(TableOutput.json(TenantCommand.object(tenant)))
            } else {
                print(TableOutput.render(headers: ["FIELD", "VALUE"], rows: [
                    ["slug", tenant.slug], ["name", tenant.name], ["plan", tenant.plan],
                    ["status", tenant.status.rawValue], ["id", tenant.id.uuidString.lowercased()],
                    ["created", TableOutput.timestamp(tenant.createdAt)],
                ]))
            }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a tenant: every call with its credentials gets 403 tenant-suspended; data is kept.")
        @Argument var slug: String
        @Option(help: "Why (stored with the status and on the platform audit log).") var reason: String

        func run() async throws {
            try await TenantCommand.setStatus(slug: slug, to: .suspended, reason: reason)
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended tenant.")
        @Argument var slug: String
        @Option(help: "Why (stored with the status and on the platform audit log).") var reason: String

        func run() async throws {
            try await TenantCommand.setStatus(slug: slug, to: .active, reason: reason)
        }
    }

    struct Offboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start offboarding a tenant: its credentials stop working; export its data, then erase it.")
        @Argument var slug: String
        @Option(help: "Why (stored with the status and on the platform audit log).") var reason: String

        func run() async throws {
            try await TenantCommand.setStatus(slug: slug, to: .offboarding, reason: reason)
        }
    }

    /// Moves a tenant as the platform API does (the lifecycle's moves, a reason), recorded on
    /// both audit logs. Asking for the status it already has changes nothing.
    static func setStatus(slug: String, to status: TenantStatus, reason: String) async throws {
        guard TextRules.isReason(reason) else {
            throw AdminFailure(message: "invalid --reason: must be 1–500 characters, not blank, without control characters")
        }
        let (before, after) = try await AdminDatabase.run { database in
            let store = TenantStore(database: database)
            var tenant = try await store.find(slug: slug)
            let before = tenant.status
            guard before != status else { return (before, tenant) }
            do throws(IllegalTenantMove) {
                try TenantLifecycle.check(from: before, to: status)
            } catch {
                throw AdminFailure(message: "tenant \(slug) is \(before.rawValue); cannot make it \(status.rawValue) (allowed: "
                                   + (error.allowed.isEmpty ? "none" : error.allowed.map(\.rawValue).joined(separator: ", ")) + ")")
            }
            tenant.status = status
            let operation = switch status {
            case .suspended: "suspendTenant"
            case .offboarding: "offboardTenant"
            default: "resumeTenant"
            }
            return (before, try await store.update(tenant, reason: reason, audit: operation, expecting: before))
        }
        if before == after.status {
            print("tenant \(slug) is already \(status.rawValue)")
        } else {
            print("tenant \(slug): \(before.rawValue) → \(after.status.rawValue)")
        }
    }

    static func object(_ tenant: TenantRecord) -> [String: Any] {
        ["id": tenant.id.uuidString.lowercased(), "slug": tenant.slug, "name": tenant.name,
         "plan": tenant.plan, "status": tenant.status.rawValue,
         "createdAt": TableOutput.timestamp(tenant.createdAt)]
    }
}
