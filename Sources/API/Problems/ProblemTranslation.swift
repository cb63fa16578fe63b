import Domain
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Persistence
import PostgresNIO

/// Maps any error to the problem a client sees. Errors the client did not cause become 500/503 with
/// only a request id in the body; the details go to the log (docs/ARCHITECTURE.md rule 5).
enum ProblemTranslation {
    static func problem(for error: any Error, logger: Logger) -> APIProblem {
        if let problem = clientProblem(for: error) { return problem }
        // The request id is the `instance` of the problem the client gets: the log line names it too.
        var logger = logger
        if let requestID = RequestScope.current?.requestID { logger[metadataKey: "requestId"] = "\(requestID)" }
        switch error {
        case let unavailable as DatabaseUnavailable:
            logger.error("database unavailable", metadata: ["error": "\(unavailable)"])
            return .databaseUnavailable
        case let serverError as ServerError:
            return runtimeProblem(serverError, logger: logger)
        case let decoding as DecodingError:
            return decodingProblem(decoding)
        default:
            if isConnectionFailure(error) {
                logger.error("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
                return .databaseUnavailable
            }
            if let state = (error as? PSQLError)?.sqlState, isTransientFailure(sqlState: state) {
                logger.warning("database could not complete the request", metadata: [
                    "sqlState": "\(state)", "error": "\((error as? PSQLError)?.serverInfo?[.message] ?? "")"])
                return .databaseBusy
            }
            logger.error("internal error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError
        }
    }

    /// Server errors that say "not now" rather than "never": the same request may succeed on retry.
    /// 57014 query_canceled (`statement_timeout`), 55P03 lock_not_available (`lock_timeout`),
    /// 40001/40P01 serialization failure and deadlock, class 57P operator intervention (a restart
    /// or shutdown ending the session: 57P01, 57P02, 57P03), class 08 connection exceptions but
    /// 08P01, and class 53 insufficient resources (e.g. 53300 too many connections).
    static func isTransientFailure(sqlState: String) -> Bool {
        ["57014", "55P03", "40001", "40P01"].contains(sqlState) || sqlState.hasPrefix("57P") || sqlState.hasPrefix("53")
            || (sqlState.hasPrefix("08") && sqlState != "08P01")  // 08P01 is a protocol violation: our bug
    }

    /// The problem for an error the client caused (a rule, a conflict, a credential), or nil: each
    /// such error states its own (`ProblemStating`, in this folder by area).
    static func clientProblem(for error: any Error) -> APIProblem? {
        (error as? any ProblemStating)?.problem
    }

    /// Errors raised by the generated code while reading the request: bad JSON, wrong types,
    /// unknown enum values, missing fields or parameters, wrong content type.
    static func runtimeProblem(_ error: ServerError, logger: Logger) -> APIProblem {
        if let underlying = error.underlyingError as (any Error)?, !(underlying is ServerError),
           type(of: underlying) != type(of: error) {
            if underlying is DecodingError || underlying is DatabaseUnavailable || clientProblem(for: underlying) != nil {
                return problem(for: underlying, logger: logger)
            }
        }
        let status = Int(error.httpStatus.code)
        switch status {
        case 415:
            return APIProblem(status: 415, type: "unsupported-media-type", title: "Unsupported media type",
                              detail: "Send the body as application/json.")
        case 400..<500:
            return .badRequest(error.causeDescription)
        default:
            return problem(for: error.underlyingError, logger: logger)
        }
    }

    static func decodingProblem(_ error: DecodingError) -> APIProblem {
        func pointer(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "" : "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .badRequest("A required field is missing.",
                               errors: [FieldError(pointer: pointer(context.codingPath + [key]), detail: "is required")])
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return .badRequest("A field has the wrong type.",
                               errors: [FieldError(pointer: pointer(context.codingPath), detail: context.debugDescription)])
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                // The same error type comes from a parameter the generated code could not read;
                // only an unreadable body is a JSON problem.
                if let body = RequestScope.current?.body, !body.bytes.isEmpty, !body.isJSON {
                    return .badRequest("The body is not valid JSON.")
                }
                return .badRequest("A query or path parameter has an invalid value.")
            }
            return .badRequest("A field has an invalid value.",
                               errors: [FieldError(pointer: pointer(context.codingPath), detail: context.debugDescription)])
        @unknown default:
            return .badRequest("The body could not be read.")
        }
    }

    /// Whether the database could not be reached (as opposed to a query failing).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        // A request cancelled while it waited on the database (shutdown, a closed pool).
        if error is CancellationError { return true }
        if let psql = error as? PSQLError {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed,
                 .uncleanShutdown, .queryCancelled:
                return true
            default:
                return false
            }
        }
        return false
    }
}
