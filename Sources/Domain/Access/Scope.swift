/// A permission a credential holds; each operation in `openapi.yaml` requires one. Members get
/// theirs from their role (`Role.scopes`), API keys from their creator.
public enum Scope: String, CaseIterable, Sendable, Comparable {
    case projectsRead = "projects:read"
    case projectsWrite = "projects:write"
    case usageRead = "usage:read"
    case membersRead = "members:read"
    case membersWrite = "members:write"
    case auditRead = "audit:read"
    case apiClientsRead = "api-clients:read"
    case apiClientsWrite = "api-clients:write"
    /// The platform API (`/v1/platform/...`): held only by operators, never by a tenant's credential.
    case platformRead = "platform:read"
    /// Platform writes for a tenant an operator looks after: its subscription, invoices, payments.
    case platformWrite = "platform:write"
    /// What only platform admins do: the plan catalogue.
    case platformAdmin = "platform:admin"
    /// A member's own profile and personal access tokens.
    case profileRead = "profile:read"
    case profileWrite = "profile:write"
    /// The tenant's single sign-on configuration (`/v1/sso`).
    case ssoRead = "sso:read"
    case ssoWrite = "sso:write"
    /// Contracts, obligations, measurements, breaches, service credits (docs/DOMAIN.md §5). Writing
    /// measurements needs only `governance:write`, so a client's systems can feed them with nothing else.
    case governanceRead = "governance:read"
    case governanceWrite = "governance:write"
    /// Service transitions: stages, readiness criteria, sign-offs and gate decisions (docs/DOMAIN.md §6).
    case transitionsRead = "transitions:read"
    case transitionsWrite = "transitions:write"
    /// The tenant's subscription, usage against its plan and its invoices (docs/DOMAIN.md §7).
    case billingRead = "billing:read"
    /// A copy of all the organisation's data (`/v1/exports`): everything every other scope reads,
    /// audit log and members included, so only owners hold it.
    case dataExport = "data:export"

    /// Parses a comma-separated list such as `projects:read,projects:write`; fails naming the first unknown scope.
    public static func parseList(_ text: String) -> Result<[Scope], UnknownScope> {
        var scopes: [Scope] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: " ")
            guard let scope = Scope(rawValue: name) else { return .failure(UnknownScope(name: name)) }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return .success(scopes.sorted())
    }

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }
}

public struct UnknownScope: Error, Equatable, Sendable {
    public let name: String

    public init(name: String) {
        self.name = name
    }
}

extension StringProtocol {
    func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Scope {
    /// Scopes of the platform API, which only operator keys hold.
    public var isPlatform: Bool { rawValue.hasPrefix("platform:") }
}
