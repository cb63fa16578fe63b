import APIDefinition
import Auth
import Domain
import Foundation
import Hummingbird
import Logging
import Mustache
import Persistence

/// The operators' web console (`/console`): server-rendered pages over the platform API. Every
/// page calls the same handlers as `/v1/platform/...`, with the operator's console session as the
/// credential, so what an operator may see and do, the rules, the refusals and the audit trail are
/// those of the API; the console adds only sign-in, forms and HTML.
struct ConsoleApp: Sendable {
    let handler: APIHandler
    let catalog: OperationCatalog
    let database: Database
    let environment: Domain.Environment
    /// Whether cookies are marked Secure (off only for a console served over plain http).
    let secureCookies: Bool
    /// Failed sign-ins count with failed API authentications, per client address and key prefix.
    let throttle: FailedAuthThrottle
    let logger: Logger
    let library: MustacheLibrary

    init(handler: APIHandler, catalog: OperationCatalog, database: Database, environment: Domain.Environment,
         secureCookies: Bool, throttle: FailedAuthThrottle, logger: Logger) throws {
        self.handler = handler
        self.catalog = catalog
        self.database = database
        self.environment = environment
        self.secureCookies = secureCookies
        self.throttle = throttle
        self.logger = logger
        library = MustacheLibrary(templates: try ConsoleTemplates.all.mapValues { try MustacheTemplate(string: $0) })
    }

    /// An operator signed in: the session's token (the credential of the platform calls) and what it allows.
    struct SignedIn: Sendable {
        let token: SecretToken
        let session: ConsoleSession

        var isAdmin: Bool { session.principal.role == .platformAdmin }
        var roleName: String { isAdmin ? "platform admin" : "account manager" }
    }

    /// The session the request's cookie names, if it is still good.
    func signedIn(_ request: Request) async throws -> SignedIn? {
        guard let value = ConsoleHTTP.cookie(ConsoleHTTP.sessionCookie, in: request),
              let token = SecretToken(token: value, kind: .consoleSession) else { return nil }
        do {
            return SignedIn(token: token, session: try await ConsoleSessionStore.authenticate(token, database: database,
                                                                                               now: environment.now()))
        } catch is AuthFailure {
            return nil
        }
    }

    /// Runs `work` as the platform operation `operationID` called with the operator's session: the
    /// handlers read the credential, the request id and the client's address from this scope.
    func asOperator<Result: Sendable>(_ viewer: SignedIn, _ operationID: String, body: [UInt8] = [],
                                      _ work: () async throws -> Result) async throws -> Result {
        guard case .scope(let required)? = catalog.access[operationID] else { throw APIProblem.internalError }
        let request = RequestScope.current
        let scope = RequestScope(requestID: request?.requestID ?? environment.newID().uuidString.lowercased(), rawBody: body,
                                 rawHeaders: [:], clientAddress: request?.clientAddress)
            .routed(to: .init(operationID: operationID, requiredScope: required, credential: .operatorSession(viewer.token)))
        return try await RequestScope.$current.withValue(scope) { try await work() }
    }

    // MARK: Rendering

    struct Layout {
        let title: String
        let signedIn: Bool
        let csrf: String
        let role: String
        let notice: String?
        let content: String
    }

    /// A page: `template` rendered with `data`, inside the layout.
    func page(_ template: String, title: String, _ data: Any, for viewer: SignedIn?, notice: String? = nil,
              status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        let content = library.render(data, withTemplate: template) ?? ""
        let layout = Layout(title: title, signedIn: viewer != nil, csrf: viewer?.session.csrfToken ?? "",
                            role: viewer?.roleName ?? "", notice: notice, content: content)
        return ConsoleHTTP.html(library.render(layout, withTemplate: "layout") ?? "", status: status, cookies: cookies)
    }

    struct ProblemPage {
        let title: String
        let detail: String
        let fields: [String]
        let hasFields: Bool
        let back: String
    }

    /// What went wrong, as the API would have said it, with a way back.
    func problem(_ error: any Error, for viewer: SignedIn?, back: String) -> Response {
        let problem = (error as? APIProblem) ?? ProblemTranslation.problem(for: error, logger: logger)
        var details = problem.errors.map { "\($0.pointer.dropFirst()): \($0.detail)" }
        if let missing = problem.missingSteps { details.append("Steps still open: " + missing.joined(separator: ", ")) }
        if let allowed = problem.allowed { details.append("Allowed now: " + (allowed.isEmpty ? "none" : allowed.joined(separator: ", "))) }
        return page("problem", title: problem.title,
                    ProblemPage(title: problem.title, detail: problem.detail ?? problem.title, fields: details,
                                hasFields: !details.isEmpty, back: back),
                    for: viewer, status: HTTPResponse.Status(code: problem.status))
    }
}
