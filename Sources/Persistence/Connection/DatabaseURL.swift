import Foundation
import NIOSSL
public import PostgresNIO

/// A PostgreSQL location in libpq URL form: `postgres://user[:password]@host[:port]/database`, where
/// `?host=/a/directory` selects a Unix socket directory instead (as libpq and pgbench read it).
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var socketDirectory: String?
    /// libpq's `sslmode`; by default `prefer` over TCP (encrypt when the server offers it) and
    /// `disable` on a Unix socket.
    public var sslMode: SSLMode

    public enum SSLMode: String, Sendable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public init(user: String, password: String? = nil, host: String = "localhost", port: Int = 5432,
                database: String, socketDirectory: String? = nil, sslMode: SSLMode? = nil) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.socketDirectory = socketDirectory
        self.sslMode = sslMode ?? (socketDirectory == nil ? .prefer : .disable)
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text),
              components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw Invalid(description: "not a postgres:// URL") }
        let query = components.queryItems ?? []
        func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
        guard let user = components.user ?? queryValue("user"), !user.isEmpty else {
            throw Invalid(description: "the URL names no user")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw Invalid(description: "the URL names no database") }
        self.user = user
        self.password = components.password
        self.host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        self.port = components.port ?? queryValue("port").flatMap(Int.init) ?? 5432
        self.database = database
        self.socketDirectory = queryValue("host").flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let text = queryValue("sslmode") {
            guard let mode = SSLMode(rawValue: text) else {
                throw Invalid(description: "sslmode=\(text) is not one of disable, allow, prefer, require, verify-ca, verify-full")
            }
            self.sslMode = mode
        } else {
            self.sslMode = socketDirectory == nil ? .prefer : .disable
        }
    }

    /// The same server and database as another role.
    public func with(user: String, password: String? = nil) -> DatabaseURL {
        var copy = self
        copy.user = user
        copy.password = password
        return copy
    }

    /// The same server as another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// Where the client connects, for error messages ("could not connect to ...").
    public var target: String {
        if let socketDirectory { return "\(socketDirectory)/.s.PGSQL.\(port)" }
        return "\(host):\(port)"
    }

    /// The URL with its password, for handing to another process (never for logs).
    public var connectionString: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.password = password
        components.host = host
        components.port = port
        components.path = "/\(database)"
        var items: [URLQueryItem] = []
        if let socketDirectory { items.append(URLQueryItem(name: "host", value: socketDirectory)) }
        items.append(URLQueryItem(name: "sslmode", value: sslMode.rawValue))
        components.queryItems = items
        return components.string ?? description
    }

    /// Never contains the password: safe for logs and messages.
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        let socket = socketDirectory.map { "?host=\($0)" } ?? ""
        return "postgres://\(credentials)@\(host):\(port)/\(database)\(socket)"
    }

    /// TLS as libpq would do it for `sslMode` (verify-ca is treated as verify-full: stricter).
    func tls() throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable:
            return .disable
        case .allow, .prefer:
            configuration.certificateVerification = .none
            return .prefer(try NIOSSLContext(configuration: configuration))
        case .require:
            configuration.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: configuration))
        case .verifyCA, .verifyFull:
            configuration.certificateVerification = .fullVerification
            return .require(try NIOSSLContext(configuration: configuration))
        }
    }

    /// How to open one connection. `settings` are sent in the startup packet, so they hold for the
    /// whole session before its first statement (e.g. `statement_timeout`).
    public func connectionConfiguration(settings: [(String, String)] = []) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)",
                                  username: user, password: password, database: database)
        } else {
            configuration = .init(host: host, port: port, username: user, password: password,
                                  database: database, tls: try tls())
        }
        configuration.options.additionalStartupParameters = settings
        return configuration
    }
}
