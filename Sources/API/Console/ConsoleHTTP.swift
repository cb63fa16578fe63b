import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP pieces of the console: its cookies, its form bodies and its HTML responses.
enum ConsoleHTTP {
    /// The session cookie, holding the session's token (`pmo_cs_...`).
    static let sessionCookie = "pmo_console"
    /// Before sign-in: the double-submitted token of the sign-in form (login CSRF).
    static let signInCookie = "pmo_console_signin"

    /// The value of one cookie of the request.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// A `Set-Cookie` value: HttpOnly and SameSite=Strict always, Secure unless switched off for a
    /// console served over plain http (development), scoped to the console's paths.
    static func setCookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(value); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Compares a presented token with the expected one in time independent of where they differ.
    static func same(_ presented: String?, _ expected: String) -> Bool {
        guard let presented else { return false }
        return ConstantTime.equal(Array(presented.utf8), Array(expected.utf8))
    }

    /// A page: never cached, never framed, no script, nothing loaded from elsewhere.
    static func html(_ body: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            HTTPField.Name("Content-Security-Policy")!:
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// After a form: see the result at `location` (303, so a reload does not post again).
    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }
}
