import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// The operators' console through the router: its session and CSRF rules, which the browser test
/// (infra/console-tests) exercises page by page. Each rule here would let a request through if broken.
@Suite struct ConsoleTests {
    struct Operator { let id: UUID; let key: SecretToken }

    static func makeOperator(_ env: TestEnvironment, _ email: String, _ role: OperatorRole) async throws -> Operator {
        try await env.withOwner { database in
            let (id, key) = try await OperatorStore.create(email: email, role: role, database: database)
            return Operator(id: id, key: key)
        }
    }

    /// Signs in as a browser does: the form's token from the sign-in page and its cookie, then the key.
    static func signIn(_ key: String, _ client: some TestClientProtocol) async throws -> TestResponse {
        let form = try await client.call(.get, "/console/sign-in")
        let csrf = try #require(Self.hidden("csrf", in: form.text))
        let cookie = try #require(form.header("Set-Cookie")?.split(separator: ";").first.map(String.init))
        return try await client.call(.post, "/console/sign-in", headers: [
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
        ], body: "csrf=\(csrf)&key=\(key)")
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func sessionCookie(_ response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("pmo_console=") }?.split(separator: ";").first.map(String.init)
    }

    @Test func aSessionIsACookieOnlyTheConsoleReadsAndEndsWithSignOutExpiryOrTheKeysRevocation() async throws {
        let env = try await TestEnvironment()
        let admin = try await Self.makeOperator(env, "admin@console.example", .platformAdmin)
        try await env.withApp { client in
            #expect(try await client.call(.get, "/console/tenants").header("Location") == "/console/sign-in")
            let refused = try await Self.signIn("pmo_op_aaaaaaaaaaaa_" + String(repeating: "a", count: 52), client)
            #expect(refused.status == .unauthorized)
            #expect(Self.sessionCookie(refused) == nil)

            let signedIn = try await Self.signIn(admin.key.token, client)
            #expect(signedIn.status == .seeOther)
            let setCookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("pmo_console=") })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Secure"))
            #expect(setCookie.contains("Path=/console") && setCookie.contains("Max-Age=28"))
            let cookie = try #require(Self.sessionCookie(signedIn))
            let tenants = try await client.call(.get, "/console/tenants", headers: ["Cookie": cookie])
            #expect(tenants.status == .ok && tenants.text.contains("<h1>Tenants</h1>"))
            #expect(tenants.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
            // The session is no API credential: the platform API refuses it.
            let token = String(cookie.dropFirst("pmo_console=".count))
            #expect(try await client.call(.get, "/v1/platform/tenants", auth: "Bearer \(token)").status == .unauthorized)

            // Expired: refused.
            _ = try await env.withOwner { database in
                try await database.query("update pmo.console_sessions set created_at = now() - interval '9 hours', expires_at = now() - interval '1 hour'")
            }
            #expect(try await client.call(.get, "/console/tenants", headers: ["Cookie": cookie]).status == .seeOther)

            // Signed out: refused; and a session whose key was revoked is refused at once.
            let again = try #require(Self.sessionCookie(try await Self.signIn(admin.key.token, client)))
            let page = try await client.call(.get, "/console/tenants", headers: ["Cookie": again])
            let csrf = try #require(Self.hidden("csrf", in: page.text))
            let out = try await client.call(.post, "/console/sign-out", headers: [
                "Cookie": again, "Content-Type": "application/x-www-form-urlencoded"], body: "csrf=\(csrf)")
            #expect(out.status == .seeOther && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try await client.call(.get, "/console/tenants", headers: ["Cookie": again]).status == .seeOther)
            let third = try #require(Self.sessionCookie(try await Self.signIn(admin.key.token, client)))
            _ = try await env.withOwner { database in
                try await database.query("update operator_keys set revoked_at = now() where public_id = \(admin.key.publicID)")
            }
            #expect(try await client.call(.get, "/console/tenants", headers: ["Cookie": third]).status == .seeOther)
        }
    }

    @Test func failedSignInsAreThrottledLikeFailedAPIAuthentications() async throws {
        let env = try await TestEnvironment()
        let admin = try await Self.makeOperator(env, "throttled@console.example", .platformAdmin)
        let wrong = "pmo_op_\(admin.key.publicID)_" + String(repeating: "a", count: 52)
        try await env.withApp(authThrottle: .init(perAddress: 100, perKeyPrefix: 2)) { client in
            #expect(try await Self.signIn(wrong, client).status == .unauthorized)
            #expect(try await Self.signIn(wrong, client).status == .unauthorized)
            let throttled = try await Self.signIn(wrong, client)
            #expect(throttled.status == .tooManyRequests && throttled.text.contains("Too many failed sign-ins"))
            // The right key of a throttled prefix waits too, until the window passes.
            #expect(try await Self.signIn(admin.key.token, client).status == .tooManyRequests)
        }
    }

    @Test func aFormWithoutItsSessionsCSRFTokenChangesNothingAndAnAccountManagerSeesOnlyTheirTenants() async throws {
        let env = try await TestEnvironment()
        let mine = try await Self.makeOperator(env, "mine@console.example", .accountManager)
        let theirs = try await Self.makeOperator(env, "theirs@console.example", .accountManager)
        try await env.withApp { client in
            let cookie = try #require(Self.sessionCookie(try await Self.signIn(mine.key.token, client)))
            let form = try await client.call(.get, "/console/tenants/new", headers: ["Cookie": cookie])
            let csrf = try #require(Self.hidden("csrf", in: form.text))
            let headers = ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"]
            for body in ["slug=forged-co&name=Forged&plan=starter", "csrf=\(String(repeating: "a", count: 52))&slug=forged-co&name=Forged&plan=starter"] {
                let forged = try await client.call(.post, "/console/tenants", headers: headers, body: body)
                #expect(forged.status == .forbidden && forged.text.contains("CSRF"))
            }
            #expect(try await env.count("tenants") == 0)
            let created = try await client.call(.post, "/console/tenants", headers: headers,
                                                body: "csrf=\(csrf)&slug=console-co&name=Console+Co&plan=starter")
            #expect(created.status == .seeOther)
            let location = try #require(created.header("Location"))
            #expect(try await client.call(.get, location, headers: ["Cookie": cookie]).text.contains("Console Co"))
            // A refusal of the platform is shown as the API states it, and changes nothing.
            let bad = try await client.call(.post, "/console/tenants", headers: headers,
                                            body: "csrf=\(csrf)&slug=Not+A+Slug&name=X&plan=starter")
            #expect(bad.status == .badRequest || bad.status == .unprocessableContent)
            #expect(bad.text.contains("slug"))
            #expect(try await env.count("tenants") == 1)

            let other = try #require(Self.sessionCookie(try await Self.signIn(theirs.key.token, client)))
            let list = try await client.call(.get, "/console/tenants", headers: ["Cookie": other])
            #expect(list.status == .ok && !list.text.contains("console-co"))
            let page = try await client.call(.get, location, headers: ["Cookie": other])
            #expect(page.status == .notFound && !page.text.contains("Console Co"))
        }
    }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, headers: [String: String], body: String) async throws -> TestResponse {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return try await execute(uri: uri, method: method, headers: fields, body: ByteBuffer(string: body))
    }
}
