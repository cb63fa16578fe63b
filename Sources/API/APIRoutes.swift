import APIDefinition
public import Auth
public import Billing
public import Domain
import Foundation
public import Hummingbird
public import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
public import Persistence

/// Puts the whole HTTP API on a router: the edge middleware, the generated routes and the
/// operation middleware in front of every handler.
public enum APIRoutes {
    public struct Dependencies: Sendable {
        public var database: Database
        public var meter: UsageMeter
        public var keyUsage: KeyUsageTracker
        public var environment: Domain.Environment
        public var logger: Logger
        /// Where the database is (host and port, or socket), for messages when it does not answer.
        public var databaseTarget: String
        /// The database watchdog's verdict (see `DatabaseHealth`).
        public var health: DatabaseHealth
        public var throttle: FailedAuthThrottle
        /// The access-token signing keys, kept fresh by a background service.
        public var signingKeys: SigningKeyRing
        /// The `iss` of the access tokens this server issues and accepts.
        public var tokenIssuer: String
        /// Whether SSO configurations may fetch their JWKS over plain http (see `AppConfiguration`).
        public var ssoAllowsInsecureKeySets: Bool
        /// Set once shutdown has begun (see `ServerDrain`).
        public var drain: ServerDrain
        /// Tenants' rate limits; nil switches them off.
        public var rateLimiter: RateLimiter?
        /// Whether calls are metered (off only to measure what metering costs).
        public var metering: Bool
        /// Whether the console's cookies are marked Secure (off only when it is served over plain http).
        public var consoleSecureCookies: Bool

        public init(database: Database, meter: UsageMeter, keyUsage: KeyUsageTracker,
                    environment: Domain.Environment, logger: Logger, databaseTarget: String,
                    health: DatabaseHealth, throttle: FailedAuthThrottle = FailedAuthThrottle(),
                    signingKeys: SigningKeyRing, tokenIssuer: String = "pmo",
                    ssoAllowsInsecureKeySets: Bool = false, drain: ServerDrain = ServerDrain(),
                    rateLimiter: RateLimiter? = nil, metering: Bool = true, consoleSecureCookies: Bool = true) {
            self.database = database
            self.meter = meter
            self.keyUsage = keyUsage
            self.environment = environment
            self.logger = logger
            self.databaseTarget = databaseTarget
            self.health = health
            self.throttle = throttle
            self.signingKeys = signingKeys
            self.tokenIssuer = tokenIssuer
            self.ssoAllowsInsecureKeySets = ssoAllowsInsecureKeySets
            self.drain = drain
            self.rateLimiter = rateLimiter
            self.metering = metering
            self.consoleSecureCookies = consoleSecureCookies
        }
    }

    public static func register<Context: RequestContext>(on router: Router<Context>,
                                                         _ dependencies: Dependencies) throws {
        let document = try OperationCatalog.bundledDocument()
        let catalog = try OperationCatalog.load(from: document)
        router.add(middleware: HTTPEdgeMiddleware(environment: dependencies.environment, catalog: catalog,
                                                  drain: dependencies.drain, logger: dependencies.logger))
        let session = TenantSession(database: dependencies.database, keyUsage: dependencies.keyUsage,
                                    environment: dependencies.environment, databaseTarget: dependencies.databaseTarget,
                                    health: dependencies.health)
        let tokens = AccessTokens(ring: dependencies.signingKeys, issuer: dependencies.tokenIssuer,
                                  database: dependencies.database)
        let sso = SSOTokenVerifier(
            keys: IdentityProviderKeys(policy: KeySetURLPolicy(allowInsecure: dependencies.ssoAllowsInsecureKeySets),
                                       logger: dependencies.logger),
            database: dependencies.database)
        let handler = APIHandler(
            session: session,
            tokens: tokens,
            ssoAllowsInsecureKeySets: dependencies.ssoAllowsInsecureKeySets,
            readiness: Readiness(database: dependencies.database, migrations: try Migration.bundled(),
                                 databaseTarget: dependencies.databaseTarget, health: dependencies.health,
                                 drain: dependencies.drain),
            document: document)
        try handler.registerHandlers(
            on: router, serverURL: try Servers.Server1.url(),
            // Compact JSON with a stable key order: the runtime's default also pretty-prints, which
            // costs CPU and bytes on every response and helps no client.
            configuration: Configuration(dateTranscoder: RFC3339Timestamps(), jsonEncodingOptions: [.sortedKeys]),
            middlewares: [OperationMiddleware(access: catalog.access, nonNullable: catalog.nonNullable,
                                              requiredQuery: catalog.requiredQuery, session: session, meter: dependencies.metering ? dependencies.meter : nil,
                                              environment: dependencies.environment, throttle: dependencies.throttle,
                                              tokens: tokens, sso: sso,
                                              rateLimits: dependencies.rateLimiter.map {
                                                  TenantRateLimits(limiter: $0, database: dependencies.database,
                                                                   environment: dependencies.environment, logger: dependencies.logger)
                                              },
                                              logger: dependencies.logger)])
        try ConsoleApp(handler: handler, catalog: catalog, database: dependencies.database, environment: dependencies.environment,
                       secureCookies: dependencies.consoleSecureCookies, throttle: dependencies.throttle,
                       logger: dependencies.logger).register(on: router)
    }
}
