import ArgumentParser
import Auth
import Domain
import Foundation
import Persistence

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Create, list and revoke a tenant's API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key; prints its secret once.")
        @Option(help: "Tenant slug.") var tenant: String
        @Option(help: "A name saying who uses the key.") var name: String
        @Option(help: "Comma-separated: \(Scope.allCases.map(\.rawValue).joined(separator: ","))") var scopes: String
        @Option(help: "Days until the key expires (default: never).") var expiresInDays: Int?
        @Flag(help: "Revoke the tenant's other active keys with this name (rotation).") var rotate = false

        func run() async throws {
            guard TextRules.isPrintable(name, maxLength: 200), !TextRules.isBlank(name) else {
                throw AdminFailure(message: "invalid --name: 1–200 characters, not blank, without control characters")
            }
            let parsed: [Scope]
            switch Scope.parseList(scopes) {
            case .success(let list) where !list.isEmpty: parsed = list
            case .success: throw AdminFailure(message: "--scopes names no scope")
            case .failure(let unknown):
                throw AdminFailure(message: "unknown scope \(unknown.name): expected \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let days = expiresInDays, !(1...3650).contains(days) {
                throw AdminFailure(message: "--expires-in-days must be 1–3650")
            }
            let expiresAt = expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let (record, secret) = try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                return try await database.tenantTransaction(tenantRecord.id) { scope in
                    let keys = APIKeyStore(scope), audit = AuditLog(scope)
                    if rotate {
                        for revoked in try await keys.revokeNamed(name) {
                            try await audit.recordOperator("revokeApiKey", resourceType: "api_key", resourceID: revoked)
                        }
                    }
                    let created = try await keys.insert(
                        name: name, scopes: parsed, expiresAt: expiresAt, id: Domain.Environment.live.newID())
                    try await audit.recordOperator("createApiKey", resourceType: "api_key", resourceID: created.0.id,
                                                   changedFields: ["name", "scopes"])
                    return created
                }
            }
            print("created key \(record.publicID) (\(record.name)) for tenant \(tenant) with scopes \(record.scopes.joined(separator: ","))")
            print(secret.token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's API keys (never their secrets).")
        @Option(help: "Tenant slug.") var tenant: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let keys = try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                return try await database.tenantTransaction(tenantRecord.id) { try await APIKeyStore($0).all() }
            }
            if json {
                print(TableOutput.json(keys.map { key -> [String: Any] in
                    ["id": key.id.uuidString.lowercased(), "publicId": key.publicID, "name": key.name, "scopes": key.scopes,
                     "createdAt": TableOutput.timestamp(key.createdAt), "expiresAt": TableOutput.timestamp(key.expiresAt),
                     "revokedAt": TableOutput.timestamp(key.revokedAt), "lastUsedAt": TableOutput.timestamp(key.lastUsedAt)]
                }))
            } else {
                print(TableOutput.render(
                    headers: ["PUBLIC ID", "NAME", "SCOPES", "STATUS", "LAST USED", "ID"],
                    rows: keys.map { key in
                        let status = key.revokedAt != nil ? "revoked"
                            : (key.expiresAt.map { $0 <= Date() } == true ? "expired" : "active")
                        return [key.publicID, key.name, key.scopes.joined(separator: ","), status,
                                TableOutput.timestamp(key.lastUsedAt), key.id.uuidString.lowercased()]
                    }))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; its next request gets 401.")
        @Option(help: "Tenant slug.") var tenant: String
        @Argument(help: "The key's id or public id.") var key: String

        func run() async throws {
            let revoked = try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                return try await database.tenantTransaction(tenantRecord.id) { try await APIKeyStore($0).revoke(reference: key) }
            }
            print("revoked key \(revoked.publicID) (\(revoked.name)) of tenant \(tenant)")
        }
    }
}
