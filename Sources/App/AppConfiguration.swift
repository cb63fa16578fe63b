public import Auth
public import Foundation
public import Logging
public import Persistence

/// Everything the server reads from its environment, once, at start (docs/OPERATIONS.md "Configuration").
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The role the server works as: owns nothing, cannot bypass row-level security.
    public var database: DatabaseURL
    public var databasePoolSize: Int
    public var usageFlushInterval: Duration
    /// How often the database is probed, and how long a probe may take before the database counts
    /// as unreachable (requests then get 503 until a probe succeeds).
    public var databaseProbeInterval: Duration
    public var logLevel: Logger.Level
    /// Event-loop threads (HTTP, database client and Swift concurrency all run on them); nil: one per core.
    public var serverThreads: Int?
    /// Failed authentications allowed per client address and per key prefix in a minute.
    public var authThrottle: FailedAuthThrottle.Limits
    /// The `iss` of access tokens: every server of one installation must use the same.
    public var tokenIssuer: String
    /// Whether tenants' SSO configurations may name a JWKS URL over plain http (development and tests
    /// with a local identity provider); otherwise only https.
    public var ssoAllowsInsecureKeySets: Bool
    /// Every bound on a wait, and how shutdown drains (docs/OPERATIONS.md).
    public var limits: ServerLimits
    /// Seals the access-token signing keys in the database (`SIGNING_KEY_ENCRYPTION_KEY`).
    public var signingKeySeal: SigningKeySeal
    /// Whether tenants' plans limit their request rate (`RATE_LIMITS`; off only for benchmarks).
    public var rateLimits: Bool
    /// How many server processes share the traffic (`RATE_LIMIT_PROCESSES`): each enforces this
    /// share of every tenant's rate limit, so together they allow the plan's rate and no more.
    public var rateLimitProcesses: Int
    /// Whether authenticated calls are metered (`METERING`; off only for benchmarks).
    public var metering: Bool
    /// How often the data export runner looks for exports to write (`EXPORT_POLL_SECONDS`).
    public var exportPollInterval: Duration
    /// Whether the console's cookies are marked Secure (`CONSOLE_SECURE_COOKIES`; off only when the
    /// console is served over plain http, as `./infra/run` does on the loopback address).
    public var consoleSecureCookies: Bool

    public init(signingKeySeal: SigningKeySeal, host: String = "127.0.0.1", port: Int = 8080, database: DatabaseURL, databasePoolSize: Int = 20,
                usageFlushInterval: Duration = .seconds(5), databaseProbeInterval: Duration = .seconds(2),
                logLevel: Logger.Level = .info, serverThreads: Int? = nil,
                authThrottle: FailedAuthThrottle.Limits = .init(), tokenIssuer: String = "pmo",
                ssoAllowsInsecureKeySets: Bool = false, limits: ServerLimits = .init(), rateLimits: Bool = true,
                rateLimitProcesses: Int = 1, metering: Bool = true, exportPollInterval: Duration = .seconds(2),
                consoleSecureCookies: Bool = true) {
        self.host = host
        self.port = port
        self.database = database
        self.databasePoolSize = databasePoolSize
        self.usageFlushInterval = usageFlushInterval
        self.databaseProbeInterval = databaseProbeInterval
        self.logLevel = logLevel
        self.serverThreads = serverThreads
        self.authThrottle = authThrottle
        self.tokenIssuer = tokenIssuer
        self.ssoAllowsInsecureKeySets = ssoAllowsInsecureKeySets
        self.limits = limits
        self.signingKeySeal = signingKeySeal
        self.rateLimits = rateLimits
        self.rateLimitProcesses = rateLimitProcesses
        self.metering = metering
        self.exportPollInterval = exportPollInterval
        self.consoleSecureCookies = consoleSecureCookies
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `HOST`, `PORT`, `APP_DATABASE_URL` (or `DATABASE_URL` with the user `pmo_app`, or the
    /// embedded cluster under `.pmo/`), `DB_POOL_SIZE`, `USAGE_FLUSH_SECONDS`, `DB_PROBE_SECONDS`,
    /// `LOG_LEVEL`, `SERVER_THREADS`, `AUTH_FAILURES_PER_ADDRESS`, `AUTH_FAILURES_PER_KEY`, `TOKEN_ISSUER`,
    /// `SSO_JWKS_ALLOW_INSECURE`, `RATE_LIMITS`, `RATE_LIMIT_PROCESSES`, `METERING`, `EXPORT_POLL_SECONDS`, `CONSOLE_SECURE_COOKIES` and the bounds of
    /// `ServerLimits`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       workingDirectory: String = FileManager.default.currentDirectoryPath) throws -> AppConfiguration {
        func integer(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = env[key], !text.isEmpty else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw Invalid(description: "\(key)=\(text) is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return parsed
        }
        func flag(_ key: String) throws -> Bool {
            switch env[key]?.lowercased() {
            case nil, "", "0", "false", "no": return false
            case "1", "true", "yes": return true
            case let other?: throw Invalid(description: "\(key)=\(other) must be true or false")
            }
        }
        // A safeguard switched off only on purpose: unset or empty is on.
        func switchedOn(_ key: String) throws -> Bool {
            switch env[key]?.lowercased() {
            case nil, "", "on", "1", "true", "yes": return true
            case "off", "0", "false", "no": return false
            case let other?: throw Invalid(description: "\(key)=\(other) must be on or off")
            }
        }
        let database: DatabaseURL
        do {
            database = try DatabaseLocation.appURL(env, workingDirectory: workingDirectory)
        } catch {
            throw Invalid(description: "\(error)")
        }
        let level = env["LOG_LEVEL"].map { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        guard let level else { throw Invalid(description: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical") }
        let threads = try integer("SERVER_THREADS", default: 0, range: 0...256)  // 0: one per core
        func issuer(_ text: String?) throws -> String {
            guard let text, !text.isEmpty else { return "pmo" }
            guard text.utf8.count <= 200, text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw Invalid(description: "TOKEN_ISSUER=\(text) must be 1–200 printable ASCII characters without spaces")
            }
            return text
        }
        let seal: SigningKeySeal
        do { seal = try SigningKeySeal(environment: env) } catch { throw Invalid(description: "\(error)") }
        let drain = try integer("SHUTDOWN_DRAIN_SECONDS", default: 5, range: 0...300)
        let shutdownTimeout = try integer("SHUTDOWN_TIMEOUT_SECONDS", default: 30, range: 1...3600)
        guard shutdownTimeout > drain else {
            throw Invalid(description: "SHUTDOWN_TIMEOUT_SECONDS=\(shutdownTimeout) must exceed SHUTDOWN_DRAIN_SECONDS=\(drain)")
        }
        return AppConfiguration(
            signingKeySeal: seal,
            host: env["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
            port: try integer("PORT", default: 8080, range: 1...65535),
            database: database,
            databasePoolSize: try integer("DB_POOL_SIZE", default: 20, range: 1...500),
            usageFlushInterval: .seconds(try integer("USAGE_FLUSH_SECONDS", default: 5, range: 1...3600)),
            databaseProbeInterval: .seconds(try integer("DB_PROBE_SECONDS", default: 2, range: 1...60)),
            logLevel: level,
            serverThreads: threads == 0 ? nil : threads,
            authThrottle: .init(perAddress: try integer("AUTH_FAILURES_PER_ADDRESS", default: 30, range: 0...1_000_000),
                                perKeyPrefix: try integer("AUTH_FAILURES_PER_KEY", default: 10, range: 1...1_000_000)),
            tokenIssuer: try issuer(env["TOKEN_ISSUER"]),
            ssoAllowsInsecureKeySets: try flag("SSO_JWKS_ALLOW_INSECURE"),
            limits: ServerLimits(
                statementTimeout: .seconds(try integer("DB_STATEMENT_TIMEOUT_SECONDS", default: 10, range: 1...3600)),
                lockTimeout: .seconds(try integer("DB_LOCK_TIMEOUT_SECONDS", default: 2, range: 1...3600)),
                acquireTimeout: .seconds(try integer("DB_ACQUIRE_TIMEOUT_SECONDS", default: 2, range: 1...600)),
                headerTimeout: .seconds(try integer("HTTP_HEADER_TIMEOUT_SECONDS", default: 10, range: 1...600)),
                idleTimeout: .seconds(try integer("HTTP_IDLE_TIMEOUT_SECONDS", default: 60, range: 1...3600)),
                maxConnections: try integer("HTTP_MAX_CONNECTIONS", default: 4096, range: 1...1_000_000),
                drain: .seconds(drain), shutdownTimeout: .seconds(shutdownTimeout)),
            rateLimits: try switchedOn("RATE_LIMITS"),
            rateLimitProcesses: try integer("RATE_LIMIT_PROCESSES", default: 1, range: 1...1000),
            metering: try switchedOn("METERING"),
            exportPollInterval: .seconds(try integer("EXPORT_POLL_SECONDS", default: 2, range: 1...3600)),
            consoleSecureCookies: try switchedOn("CONSOLE_SECURE_COOKIES"))
    }
}
