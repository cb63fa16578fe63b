import API
import Auth
import Billing
import Domain
import Hummingbird
import Logging
import Persistence
import PostgresNIO

/// The composition root, shared by `pmo-server` and the tests: every dependency is built here
/// from the configuration and passed down, nothing is global.
public func buildApplication(
    configuration: AppConfiguration, environment: Domain.Environment = .live, logger: Logger? = nil
) throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "pmo-server")
    logger.logLevel = configuration.logLevel
    var clientConfiguration = configuration.database.clientConfiguration()
    // A fixed pool without keep-alive pings: the pool then arms no timers when a connection goes
    // back to it. With demand connections and keep-alive it starts two timer tasks per request
    // (measured: a quarter of the server's CPU on GET one project). The watchdog's own probe
    // connection notices an unreachable database instead.
    clientConfiguration.options.maximumConnections = configuration.databasePoolSize
    clientConfiguration.options.minimumConnections = configuration.databasePoolSize
    clientConfiguration.options.keepAliveBehavior = nil
    let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
    let database = Database(client: client, logger: logger)
    let meter = UsageMeter()
    let health = DatabaseHealth()
    let keyUsage = KeyUsageTracker()
    let signingKeys = SigningKeyRing()

    let router = Router(context: ServerRequestContext.self)
    try APIRoutes.register(on: router, .init(database: database, meter: meter, keyUsage: keyUsage,
                                             environment: environment, logger: logger,
                                             databaseTarget: configuration.database.target,
                                             health: health, throttle: FailedAuthThrottle(limits: configuration.authThrottle),
                                             signingKeys: signingKeys, tokenIssuer: configuration.tokenIssuer,
                                             ssoAllowsInsecureKeySets: configuration.ssoAllowsInsecureKeySets))
    let refresher = SigningKeyRefresher(ring: signingKeys, database: database, environment: environment, logger: logger)
    let flusher = BackgroundFlushService(meter: meter, keyUsage: keyUsage, database: database,
                                         interval: configuration.usageFlushInterval, logger: logger)
    let deliverableCheck = DeliverableCheckService(database: database, environment: environment, interval: .seconds(3600),
                                                   logger: logger)
    // The watchdog probes over a client of its own, so a busy request pool never delays a probe
    // into a false "unreachable".
    var probeConfiguration = configuration.database.clientConfiguration()
    probeConfiguration.options.maximumConnections = 1
    probeConfiguration.options.minimumConnections = 0
    let probeClient = PostgresClient(configuration: probeConfiguration, backgroundLogger: logger)
    let watchdog = DatabaseWatchdog(health: health, database: Database(client: probeClient, logger: logger),
                                    target: configuration.database.target,
                                    interval: configuration.databaseProbeInterval)
    // Services stop in reverse order after the server: the flusher writes its last batch while
    // the database client is still running.
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pmo"),
        services: [client, probeClient, watchdog, refresher, deliverableCheck, flusher],
        logger: logger)
}

/// Refuses to serve a database that is behind this build's migrations (ARCHITECTURE.md rule 3).
public func checkMigrations(configuration: AppConfiguration, logger: Logger) async throws {
    let pending = try await withDatabase(configuration.database, logger: logger) { database in
        let migrator = Migrator(database: database, migrations: try Migration.bundled())
        return try await database.withDeadline(.seconds(10), target: configuration.database.target) {
            try await migrator.pending()
        }
    }
    guard pending.isEmpty else {
        throw AppConfiguration.Invalid(description:
            "the database at \(configuration.database) has pending migrations (\(pending.map(\.name).joined(separator: ", "))); run `pmo-admin migrate` first")
    }
}
