import ArgumentParser
import Auth
import Domain
import Foundation
import Persistence

/// A tenant's first owner comes from here: nobody in the tenant can invite yet.
struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Invite and list a tenant's members.",
        subcommands: [Invite.self, List.self])

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite a member; prints the invitation token (single use, 7 days) once.")
        @Option(help: "Tenant slug.") var tenant: String
        @Option(help: "The invitee's e-mail address.") var email: String
        @Option(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "The invitee's name (optional).") var name: String?

        func run() async throws {
            guard let address = EmailAddress.normalize(email) else {
                throw AdminFailure(message: "invalid --email \(email): printable ASCII with one @")
            }
            guard let parsedRole = Role(rawValue: role) else {
                throw AdminFailure(message: "unknown role \(role): expected \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let name, !TextRules.isPrintable(name, maxLength: 200) || TextRules.isBlank(name) {
                throw AdminFailure(message: "invalid --name: 1–200 characters, not blank, no control characters")
            }
            let (member, invitation) = try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                return try await database.tenantTransaction(tenantRecord.id) { scope in
                    let now = Date()
                    let invited = try await MemberStore(scope)
                        .invite(id: Domain.Environment.live.newID(), email: address, name: name, role: parsedRole,
                                at: now, expiresAt: now.addingTimeInterval(Invitation.lifetime))
                    try await AuditLog(scope).recordOperator("inviteMember", resourceType: "member", resourceID: invited.0.id,
                                                             changedFields: ["email", "name", "role"])
                    return invited
                }
            }
            print("invited \(member.email) as \(member.role.rawValue) to tenant \(tenant); accept with POST /v1/invitations/accept before \(TableOutput.timestamp(member.invitationExpiresAt))")
            print(invitation.token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's members.")
        @Option(help: "Tenant slug.") var tenant: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let members = try await AdminDatabase.run { database in
                let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
                return try await database.tenantTransaction(tenantRecord.id) { scope in
                    try await MemberStore(scope).list(status: nil, role: nil, after: nil, limit: 10_000)
                }
            }
            if json {
                print(TableOutput.json(members.map { member -> [String: Any] in
                    ["id": member.id.uuidString.lowercased(), "email": member.email, "name": member.name ?? NSNull(),
                     "role": member.role.rawValue, "status": member.status.rawValue,
                     "createdAt": TableOutput.timestamp(member.createdAt)]
                }))
            } else {
                print(TableOutput.render(
                    headers: ["EMAIL", "ROLE", "STATUS", "NAME", "ID"],
                    rows: members.map { [$0.email, $0.role.rawValue, $0.status.rawValue, $0.name ?? "", $0.id.uuidString.lowercased()] }))
            }
        }
    }
}
