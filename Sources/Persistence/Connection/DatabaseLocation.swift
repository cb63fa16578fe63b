import Foundation

/// Where the database is, from the environment: `DATABASE_URL` (the owner role, for migrations and
/// the admin CLI), `APP_DATABASE_URL` (the server's role), or by default the embedded development
/// cluster that `./infra/run` keeps under `.pmo/` in the repository.
public enum DatabaseLocation {
    public static let ownerRole = "pmo_owner"
    public static let appRole = "pmo_app"
    public static let embeddedDatabase = "pmo"

    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    /// The owner connection: `DATABASE_URL`, or the embedded cluster.
    public static func ownerURL(_ env: [String: String], workingDirectory: String) throws -> DatabaseURL {
        if let text = env["DATABASE_URL"], !text.isEmpty {
            do { return try DatabaseURL(parsing: text) } catch { throw NotFound(description: "DATABASE_URL: \(error)") }
        }
        return try embedded(user: ownerRole, workingDirectory: workingDirectory)
    }

    /// The server's connection: `APP_DATABASE_URL`, else `DATABASE_URL` as `pmo_app`, else embedded.
    public static func appURL(_ env: [String: String], workingDirectory: String) throws -> DatabaseURL {
        if let text = env["APP_DATABASE_URL"], !text.isEmpty {
            do { return try DatabaseURL(parsing: text) } catch { throw NotFound(description: "APP_DATABASE_URL: \(error)") }
        }
        if env["DATABASE_URL"].map({ !$0.isEmpty }) == true {
            return try ownerURL(env, workingDirectory: workingDirectory).with(user: appRole, password: env["APP_DATABASE_PASSWORD"])
        }
        return try embedded(user: appRole, workingDirectory: workingDirectory)
    }

    static func embedded(user: String, workingDirectory: String) throws -> DatabaseURL {
        let socketDirectory = "\(workingDirectory)/.pmo/run"
        guard FileManager.default.fileExists(atPath: "\(socketDirectory)/.s.PGSQL.5432") else {
            throw NotFound(description: "DATABASE_URL is not set and no embedded cluster is running at \(socketDirectory) (start one with ./infra/run)")
        }
        return DatabaseURL(user: user, database: embeddedDatabase, socketDirectory: socketDirectory)
    }
}
