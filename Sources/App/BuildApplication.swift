public import API
import Auth
import Billing
public import Domain
public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import Persistence
import UseCases

/// The composition root, shared by `pmo-server` and the tests: every dependency is built here
/// from the configuration and passed down, nothing is global. `drain` is set by whoever handles
/// the shutdown signal (`runServer`).
public func buildApplication(
    configuration: AppConfiguration, environment: Domain.Environment = .live, logger: Logger? = nil,
    drain: ServerDrain = ServerDrain()
) throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "pmo-server")
    logger.logLevel = configuration.logLevel
    let limits = configuration.limits
    // Requests: a fixed pool whose sessions carry the statement and lock timeouts, and whose leases
    // are cut at twice the statement timeout (only a database that stopped answering gets there).
    let pool = DatabasePool(
        configuration: try configuration.database.connectionConfiguration(settings: limits.sessionSettings),
        limits: .init(size: configuration.databasePoolSize, acquireTimeout: limits.acquireTimeout,
                      leaseLimit: limits.statementTimeout * 2,
                      connectTimeout: max(.seconds(5), limits.acquireTimeout)),
        target: configuration.database.target, logger: logger)
    let database = Database(pool: pool, logger: logger)
    // The watchdog probes over a pool of its own, so a busy request pool never delays a probe into
    // a false "unreachable", and a probe not answered within two intervals has its socket closed.
    let probeLimit = configuration.databaseProbeInterval * 2
    let probePool = DatabasePool(
        configuration: try configuration.database.connectionConfiguration(settings: limits.sessionSettings),
        limits: .init(size: 1, acquireTimeout: probeLimit, leaseLimit: probeLimit, connectTimeout: probeLimit),
        target: configuration.database.target, logger: logger)
    let meter = UsageMeter()
    let health = DatabaseHealth()
    let keyUsage = KeyUsageTracker()
    let signingKeys = SigningKeyRing(seal: configuration.signingKeySeal)
    let rateLimiter = configuration.rateLimits ? RateLimiter(processes: configuration.rateLimitProcesses, clock: environment.monotonicSeconds) : nil

    let router = Router(context: ServerRequestContext.self)
    try APIRoutes.register(on: router, .init(database: database, meter: meter, keyUsage: keyUsage,
                                             environment: environment, logger: logger,
                                             databaseTarget: configuration.database.target,
                                             health: health, throttle: FailedAuthThrottle(limits: configuration.authThrottle),
                                             signingKeys: signingKeys, tokenIssuer: configuration.tokenIssuer,
                                             ssoAllowsInsecureKeySets: configuration.ssoAllowsInsecureKeySets,
                                             drain: drain, rateLimiter: rateLimiter, metering: configuration.metering,
                                             consoleSecureCookies: configuration.consoleSecureCookies))
    let refresher = SigningKeyRefresher(ring: signingKeys, database: database, environment: environment, logger: logger)
    let flusher = BackgroundFlushService(meter: meter, keyUsage: keyUsage, database: database,
                                         interval: configuration.usageFlushInterval, logger: logger)
    let deliverableCheck = DeliverableCheckService(database: database, environment: environment, interval: .seconds(3600),
                                                   logger: logger)
    let usageSample = UsageSampleService(database: database, environment: environment, interval: .seconds(3600), logger: logger)
    let rateLimitRefresh = rateLimiter.map {
        RateLimitRefreshService(limiter: $0, database: database, environment: environment, interval: .seconds(30), logger: logger)
    }
    // Data exports read a whole tenant in one transaction: over a pool of their own, whose
    // statements and lease may take minutes, so neither a request nor an export waits for the other.
    let exportPool = DatabasePool(
        configuration: try configuration.database.connectionConfiguration(settings: limits.exportSessionSettings),
        limits: .init(size: 1, acquireTimeout: .seconds(60), leaseLimit: ServerLimits.exportStatementTimeout * 2,
                      connectTimeout: max(.seconds(5), limits.acquireTimeout)),
        target: configuration.database.target, logger: logger)
    let exports = DataExportService(
        runner: DataExportRunner(database: Database(pool: exportPool, logger: logger), environment: environment,
                                 claimLease: Double((ServerLimits.exportStatementTimeout * 4).components.seconds),
                                 logger: logger),
        interval: configuration.exportPollInterval, logger: logger)
    let watchdog = DatabaseWatchdog(health: health, probe: Database(pool: probePool, logger: logger), requests: pool,
                                    interval: configuration.databaseProbeInterval)
    // Slow clients: the head (then the body) must arrive within the header timeout, an idle
    // keep-alive connection closes after the idle timeout, and at most `maxConnections` are open.
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [RequestReadTimeoutHandler(limit: .init(limits.headerTimeout),
                                                              idleLimit: .init(limits.idleTimeout))])
    // Services stop in reverse order after the server: the flusher writes its last batch while
    // the pools are still running.
    return Application(
        router: router,
        server: .http1(configuration: http1),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pmo",
                             availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)),
        services: [DatabasePoolService(pool: pool), DatabasePoolService(pool: probePool), DatabasePoolService(pool: exportPool),
                   watchdog, refresher, deliverableCheck, usageSample, exports] + (rateLimitRefresh.map { [$0] } ?? []) + [flusher],
        logger: logger)
}

/// Refuses to serve a database that is behind this build's migrations (docs/ARCHITECTURE.md rule 3).
public func checkMigrations(configuration: AppConfiguration, logger: Logger) async throws {
    var quiet = logger
    quiet.logLevel = .critical  // the error below says it all
    let pending = try await withDatabase(configuration.database, logger: quiet, limits: .startup) { database in
        try await Migrator(database: database, migrations: try Migration.bundled()).pending()
    }
    guard pending.isEmpty else {
        throw AppConfiguration.Invalid(description:
            "the database at \(configuration.database) has pending migrations (\(pending.map(\.name).joined(separator: ", "))); run `pmo-admin migrate` first")
    }
}
