import ArgumentParser
import Auth
import Domain
import Foundation
import Persistence

/// Platform operators: account managers and platform admins, who use the platform API.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Create operators, assign tenants to account managers, list them, disable them, revoke their keys.",
        subcommands: [Create.self, Assign.self, List.self, Disable.self, RevokeKey.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an operator; prints their key once.")
        @Option(help: "The operator's e-mail address.") var email: String
        @Option(help: "account_manager or platform_admin.") var role: String

        func run() async throws {
            guard let address = EmailAddress.normalize(email) else {
                throw AdminFailure(message: "invalid --email \(email): printable ASCII with one @")
            }
            guard let parsed = OperatorRole(rawValue: role) else {
                throw AdminFailure(message: "unknown role \(role): expected account_manager or platform_admin")
            }
            let (_, key) = try await AdminDatabase.run { database in
                try await OperatorStore.create(email: address, role: parsed, database: database)
            }
            print("created operator \(address) (\(parsed.rawValue)); the key works only on /v1/platform/...")
            print(key.token)
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an account manager a tenant to look after.")
        @Option(help: "The operator's e-mail address.") var email: String
        @Option(help: "Tenant slug.") var tenant: String

        func run() async throws {
            let address = EmailAddress.normalize(email) ?? email
            try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                try await OperatorStore.assign(email: address, tenantID: tenantRecord.id, database: database)
            }
            print("\(address) looks after \(tenant)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operators and their tenants.")

        func run() async throws {
            let operators = try await AdminDatabase.run { database in try await OperatorStore.list(database: database) }
            print(TableOutput.render(
                headers: ["EMAIL", "ROLE", "TENANTS", "ID"],
                rows: operators.map { [$0.email, $0.role.rawValue, $0.role == .platformAdmin ? "all" : $0.tenants.joined(separator: ","),
                                       $0.id.uuidString.lowercased()] }))
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an operator: every key of theirs stops working at once.")
        @Option(help: "The operator's e-mail address.") var email: String

        func run() async throws {
            let address = EmailAddress.normalize(email) ?? email
            let changed = try await AdminDatabase.run { database in try await OperatorStore.disable(email: address, database: database) }
            print(changed ? "disabled operator \(address)" : "operator \(address) was disabled already")
        }
    }

    struct RevokeKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-key", abstract: "Revoke one operator key: it stops working at once.")
        @Argument(help: "The key's public id (pmo_op_<public id>_<secret>), or the whole key.") var key: String

        func run() async throws {
            let publicID = SecretToken(token: key, kind: .operatorKey)?.publicID ?? key
            let changed = try await AdminDatabase.run { database in try await OperatorStore.revokeKey(publicID: publicID, database: database) }
            print(changed ? "revoked operator key \(publicID)" : "operator key \(publicID) was revoked already")
        }
    }
}
