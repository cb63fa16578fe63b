import ArgumentParser
import Auth
import Domain
import Foundation
import Logging
import Persistence
import PostgresNIO
import Provisioning
import UseCases

/// Runs a command's work against the owner database and turns every failure into one clear line.
enum AdminDatabase {
    static func run<Result: Sendable>(limits: DatabasePool.Limits = .administration,
                                      _ work: (Database) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "pmo-admin")
        // Failures reach the operator as the one line of the error thrown, not as log lines too.
        logger.logLevel = .critical
        let url: DatabaseURL
        do {
            url = try DatabaseLocation.ownerURL(ProcessInfo.processInfo.environment,
                                                workingDirectory: FileManager.default.currentDirectoryPath)
        } catch {
            throw AdminFailure(message: "\(error)")
        }
        do {
            return try await withDatabase(url, logger: logger, limits: limits) { database in
                try await probe(database, url: url)
                return try await work(database)
            }
        } catch let error as AdminFailure {
            throw error
        } catch let error as PSQLError {
            throw AdminFailure(message: describe(error, url: url))
        } catch {
            throw AdminFailure(message: message(for: error))
        }
    }

    /// Fails within seconds, naming the host, when the database cannot be reached (the pool's
    /// connect timeout bounds the attempt, handshake included).
    static func probe(_ database: Database, url: DatabaseURL) async throws {
        do {
            try await database.query("select 1")
        } catch let unavailable as DatabaseUnavailable {
            if let cause = unavailable.cause as? PSQLError { throw AdminFailure(message: describe(cause, url: url)) }
            throw AdminFailure(message: "cannot reach the database at \(url.target) (as \(url.user)) within 5 s")
        }
    }

    static func describe(_ error: PSQLError, url: DatabaseURL) -> String {
        if let message = error.serverInfo?[.message] {
            return "database error at \(url.target): \(message)"
        }
        return "cannot reach the database at \(url.target) (as \(url.user)): \(error.code)"
    }

    static func message(for error: any Error) -> String {
        switch error {
        case let e as UnknownTenant: "unknown tenant: \(e.slug)"
        case let e as DuplicateTenantSlug: "a tenant with slug \(e.slug) exists already"
        case let e as TenantChangedMeanwhile: "tenant \(e.slug) changed status at the same time; nothing was changed; run the command again"
        case let e as UnknownAPIKey: "unknown API key: \(e.reference)"
        case let e as DuplicateProjectCode: "duplicate project code: \(e.code)"
        case let e as DuplicateMemberEmail: "\(e.email) is already a member" + (e.memberID.map { " (\($0.uuidString.lowercased()))" } ?? "")
        case let e as ManifestError: "invalid manifest: \(e)"
        case let e as ManifestRefusal: "cannot apply the manifest: \(e)"
        case let e as TenantDataImport.DamagedExport: "damaged export: \(e); nothing was imported"
        case let e as TenantErasure.NotOffboarding:
            "tenant \(e.slug) is \(e.status.rawValue): only an offboarding tenant is erased (pmo-admin tenant offboard first); nothing was erased"
        case let e as UnknownOperator: "unknown operator: \(e.email)"
        case let e as UnknownOperatorKey: "unknown operator key: \(e.publicID)"
        case let e as DuplicateOperator: "an operator \(e.email) exists already"
        case let e as UnknownPlan: "unknown plan \(e.code)" + (e.version.map { " version \($0)" } ?? "") + " (pmo-admin plan list shows the catalogue)"
        case let e as ArchivedPlan: "plan \(e.code) is archived: no subscription may start on it"
        case let e as ConcurrentPlanEdit: "plan \(e.code) was changed at the same time; run the command again"
        case let e as RefusedPlanChange: "plan change refused: \(e.reason)"
        case let e as InvoiceRun.MonthNotClosed:
            "period \(e.month) is not closed yet: the first of its periods ends on \(e.closesOn); invoice it after that"
        case let e as RefusedInvoiceChange: "refused: \(e.reason)"
        case let e as InvoiceCalculation.MixedCurrencies: "the period's plans are priced in \(e.currencies.joined(separator: " and ")); fix the subscription first"
        case let e as ValidationFailure: "invalid plan: " + e.errors.map { "\($0.pointer) \($0.detail)" }.joined(separator: "; ")
        default: "\(error)"
        }
    }
}

/// A command failure: printed as `error: <message>` with exit status 1.
struct AdminFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
