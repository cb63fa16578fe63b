public import Auth
public import Domain

/// `tenants/<slug>.yaml`: the declarative description of a tenant (see tenants/README.md). Every
/// section but the tenant's own fields is optional: a section left out leaves that part of the live
/// tenant alone, and nothing listed is ever deleted by applying a manifest.
public struct TenantManifest: Equatable, Sendable {
    /// A person the tenant should have, with this role: invited when the address is not a member yet.
    public struct Member: Equatable, Sendable {
        /// Normalised (`EmailAddress.normalize`): members are matched by it.
        public var email: String
        /// Used for the invitation only; a member sets their own name afterwards.
        public var name: String?
        public var role: Role

        public init(email: String, name: String? = nil, role: Role) {
            self.email = email
            self.name = name
            self.role = role
        }
    }

    /// A key that belongs to neither a member nor an API client (what `pmo-admin key create` makes).
    public struct APIKey: Equatable, Sendable {
        public var name: String
        public var scopes: [Scope]

        public init(name: String, scopes: [Scope]) {
            self.name = name
            self.scopes = scopes
        }
    }

    /// A service account (`/v1/api-clients`); its keys are made through the API, not by a manifest.
    public struct APIClient: Equatable, Sendable {
        public var name: String
        public var scopes: [Scope]

        public init(name: String, scopes: [Scope]) {
            self.name = name
            self.scopes = scopes
        }
    }

    public var slug: String
    public var name: String
    /// A plan code of the catalogue.
    public var plan: String
    /// The tenant's status when the manifest sets one; absent leaves a live tenant's status alone
    /// (new tenants start active), so re-applying never un-suspends a tenant by accident.
    public var status: TenantStatus?
    public var members: [Member]
    public var apiKeys: [APIKey]
    public var apiClients: [APIClient]
    /// The tenant's single sign-on configuration, as `PUT /v1/sso` sets it.
    public var sso: SSOConfigFields?
    /// Names of platform templates to copy into the tenant's own library.
    public var templates: [String]
    /// `settings.workingWeekdays` and `settings.holidays`: the tenant's working calendar.
    public var calendar: WorkingCalendar?
    public var projects: [ProjectFields]

    public init(slug: String, name: String, plan: String, status: TenantStatus? = nil, members: [Member] = [],
                apiKeys: [APIKey] = [], apiClients: [APIClient] = [], sso: SSOConfigFields? = nil,
                templates: [String] = [], calendar: WorkingCalendar? = nil, projects: [ProjectFields] = []) {
        self.slug = slug
        self.name = name
        self.plan = plan
        self.status = status
        self.members = members
        self.apiKeys = apiKeys
        self.apiClients = apiClients
        self.sso = sso
        self.templates = templates
        self.calendar = calendar
        self.projects = projects
    }

    /// The fields a manifest may hold, by the path of the mapping that holds them ("" for the top
    /// level). The parser allows exactly these, and the test of tenants/README.md checks that the
    /// guide documents each of them.
    public static let fields: [String: [String]] = [
        "": ["slug", "name", "plan", "status", "members", "apiKeys", "apiClients", "sso", "templates", "settings", "projects"],
        "members[]": ["email", "name", "role"],
        "apiKeys[]": ["name", "scopes"],
        "apiClients[]": ["name", "scopes"],
        "sso": ["issuer", "audience", "jwksUrl", "jwks", "emailClaim"],
        "settings": ["workingWeekdays", "holidays"],
        "projects[]": ["code", "name", "methodology", "phase", "status", "sponsor", "manager",
                       "plannedStart", "plannedFinish", "budgetAtCompletion", "currency"],
    ]

    /// The statuses a manifest may set: the rest are reached through the lifecycle's own commands.
    public static let settableStatuses: [TenantStatus] = [.onboarding, .active, .suspended]

    /// The scopes a tenant's keys and clients may hold (platform scopes belong to operators).
    public static var tenantScopes: [Scope] { Scope.allCases.filter { !$0.isPlatform } }
}

/// A manifest problem, located so an operator can fix it: `demo.yaml:7: plan: must be one of ...`.
public struct ManifestError: Error, Equatable, CustomStringConvertible {
    public let line: Int?
    public let field: String
    public let message: String

    public init(line: Int?, field: String, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        "\(line.map { "line \($0): " } ?? "")\(field): \(message)"
    }
}
