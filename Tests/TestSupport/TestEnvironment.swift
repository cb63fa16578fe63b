import App
public import Auth
public import Domain
import Foundation
import Hummingbird
public import HummingbirdTesting
public import Logging
public import Persistence

/// One test's world: a fresh migrated database, owner access for set-up, and the app built by the
/// same composition root as the server, connecting as the app role.
public struct TestEnvironment: Sendable {
    public let databaseName: String

    public init() async throws {
        databaseName = try await TestCluster.shared.migratedDatabase()
    }

    /// A world whose database has no migrations applied.
    public init(unmigrated: Void) async throws {
        databaseName = try await TestCluster.shared.emptyDatabase()
    }

    public var ownerURL: DatabaseURL {
        get throws { try TestCluster.ownerURL(database: databaseName) }
    }

    public var appURL: DatabaseURL {
        get throws { try ownerURL.with(user: DatabaseLocation.appRole) }
    }

    /// Runs `body` with an owner-role database (bypasses row-level security: set-up and inspection).
    public func withOwner<Result: Sendable>(_ body: (Database) async throws -> Result) async throws -> Result {
        try await withDatabase(try ownerURL, logger: TestCluster.logger, body)
    }

    /// Runs `body` with an app-role database (subject to row-level security, as the server is).
    public func withApp<Result: Sendable>(_ body: (Database) async throws -> Result) async throws -> Result {
        try await withDatabase(try appURL, logger: TestCluster.logger, body)
    }

    /// Starts the application (with its background services) and runs `test` against its router;
    /// on return the application shuts down gracefully, flushing usage.
    /// `testing: .live` serves on a loopback port (requests then have a client address);
    /// `logger` replaces the suite's logger (to capture what the server logs).
    /// `ssoAllowsInsecureKeySets` lets SSO configurations name a local identity provider's http JWKS URL.
    /// `authThrottle` replaces the failed-authentication limits.
    /// `exportPollInterval`: how often the data export runner looks for work (it looks once at start).
    public func withApp<Result: Sendable>(
        environment: Domain.Environment = .live, usageFlushInterval: Duration = .seconds(3600),
        exportPollInterval: Duration = .seconds(1),
        testing: TestingSetup = .router, logger: Logger? = nil, ssoAllowsInsecureKeySets: Bool = false,
        authThrottle: FailedAuthThrottle.Limits = .init(),
        _ test: @Sendable (any TestClientProtocol) async throws -> Result
    ) async throws -> Result {
        // Port 0: a live test server takes any free port. Three connections each: the pool opens
        // them all at start, and every suite runs its tests in parallel against one cluster.
        // Generous bounds: hundreds of tests share two cores and one cluster, so a connection or a
        // probe, or a concurrent writer's lock wait, can take seconds without anything being wrong
        // (infra/fault-tests checks the production bounds).
        let configuration = AppConfiguration(signingKeySeal: TestKeys.signingKeySeal, port: 0, database: try appURL,
                                             databasePoolSize: 3, usageFlushInterval: usageFlushInterval,
                                             databaseProbeInterval: .seconds(5),
                                             authThrottle: authThrottle,
                                             ssoAllowsInsecureKeySets: ssoAllowsInsecureKeySets,
                                             limits: ServerLimits(statementTimeout: .seconds(60), lockTimeout: .seconds(30),
                                                                  acquireTimeout: .seconds(30)),
                                             exportPollInterval: exportPollInterval)
        let app = try buildApplication(configuration: configuration, environment: environment,
                                       logger: logger ?? TestCluster.logger)
        return try await app.test(testing, test)
    }
}
