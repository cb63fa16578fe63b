import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1

/// The outermost layer: gives every request an id (echoing a sane client one) and returns it in
/// `X-Request-Id`, enforces the 1 MiB body limit (413), keeps the raw body for merge-patch field
/// presence and idempotency hashing, and renders anything thrown below it as a problem document.
struct HTTPEdgeMiddleware<Context: RequestContext>: RouterMiddleware {
    static var maxBodyBytes: Int { 1 << 20 }
    static var healthPaths: Set<String> { ["/healthz", "/readyz"] }
    let environment: Domain.Environment
    let catalog: OperationCatalog
    let drain: ServerDrain
    let logger: Logger

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.saneRequestID(request.headers[.requestID])
            ?? environment.newID().uuidString.lowercased()
        var response: Response
        do {
            var request = request
            // RFC 9112 §3.2: exactly one Host (the first becomes the authority). HTTP/1.0 health
            // checkers (a load balancer's, say) send none, and the HTTP version is not visible
            // here: the open health endpoints accept that.
            if request.headers[.host] != nil
                || (request.head.authority == nil && !Self.healthPaths.contains(request.uri.path)) {
                throw APIProblem.badRequest("A request must carry exactly one Host header.")
            }
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > Self.maxBodyBytes {
                throw HTTPError(.contentTooLarge)
            }
            let body = try await request.collectBody(upTo: Self.maxBodyBytes)
            let scope = RequestScope(requestID: requestID, rawBody: Array(buffer: body), rawHeaders: request.headers,
                                     clientAddress: Self.clientAddress(context))
            let forwarded = request
            response = try await RequestScope.$current.withValue(scope) {
                try await next(forwarded, context)
            }
        } catch let error as HTTPError where error.status == .notFound {
            // The router says "not found" for a known path with another method too: that is a 405.
            let allowed = catalog.methods(forPath: request.uri.path)
            if allowed.isEmpty {
                response = Self.problemResponse(Self.problem(for: error, logger: logger), requestID: requestID)
            } else {
                let problem = APIProblem(status: 405, type: "method-not-allowed", title: "Method not allowed",
                                         detail: "\(request.uri.path) supports \(allowed.joined(separator: ", ")).",
                                         headers: [("Allow", allowed.joined(separator: ", "))])
                response = Self.problemResponse(problem, requestID: requestID)
            }
        } catch let error as HTTPParserError {
            // A body that breaks HTTP framing (a bad chunk size): the connection cannot be trusted
            // for another request either.
            var problem = APIProblem.badRequest("The request is not valid HTTP/1.1: \(error).")
            problem.headers.append(("Connection", "close"))
            response = Self.problemResponse(problem, requestID: requestID)
        } catch {
            response = Self.problemResponse(Self.problem(for: error, logger: logger), requestID: requestID)
        }
        response.headers[.requestID] = requestID
        if drain.isDraining { response.headers[.connection] = "close" }
        return response
    }

    /// The socket peer's IP address; nil over a Unix socket or in router tests.
    static func clientAddress(_ context: Context) -> String? {
        guard let address = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress, !address.isEmpty else {
            return nil
        }
        return address
    }

    static func problem(for error: any Error, logger: Logger) -> APIProblem {
        guard let http = error as? HTTPError else { return ProblemTranslation.problem(for: error, logger: logger) }
        switch http.status {
        case .contentTooLarge:
            return APIProblem(status: 413, type: "payload-too-large", title: "Body too large",
                              detail: "Request bodies are limited to 1 MiB.")
        case .notFound:
            return APIProblem(status: 404, type: "not-found", title: "Not found", detail: "No such path.")
        case .methodNotAllowed:
            return APIProblem(status: 405, type: "method-not-allowed", title: "Method not allowed",
                              detail: "The path does not support this method.")
        default:
            return APIProblem(status: Int(http.status.code), type: "http-\(http.status.code)",
                              title: http.status.reasonPhrase, detail: http.body)
        }
    }

    static func problemResponse(_ problem: APIProblem, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = APIProblem.contentType
        for header in problem.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: .init(code: problem.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: problem.body(requestID: requestID))))
    }

    /// 8–128 characters of letters, digits, `-`, `_`, `.`: anything else is replaced, so logs and
    /// responses never carry arbitrary client text.
    static func saneRequestID(_ value: String?) -> String? {
        guard let value, (8...128).contains(value.utf8.count),
              value.utf8.allSatisfy({ byte in
                  (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                      || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
              })
        else { return nil }
        return value
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let host = HTTPField.Name("Host")!
}
