import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import Testing
import TestSupport

/// Every kind of bad input gets its documented 4xx problem document and writes nothing.
@Suite struct BadInputTests {
    static let valid = #"{"code":"OK-1","name":"Valid","currency":"EUR"}"#

    /// Sends `json` to create a project and checks status, problem type and that nothing was written.
    func expectRejectedCreate(_ json: String, status: Int, type: String, pointer: String? = nil,
                              headers: [String: String] = [:]) async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("bad-\(UUID().uuidString.prefix(8).lowercased())")
        try await env.withApp { client in
            let response = try await client.call(.post, "/v1/projects", auth: a.authorization, json: json, headers: headers)
            #expect(Int(response.status.code) == status, "\(response.text)")
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.object["type"] as? String == type)
            #expect(response.object["status"] as? Int == status)
            #expect(response.object["instance"] as? String == response.header("X-Request-Id"))
            if let pointer {
                let pointers = (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
                #expect(pointers.contains(pointer), "errors: \(pointers)")
            }
        }
        #expect(try await env.count("projects") == 0)
        #expect(try await env.apiAudits() == 0)
    }

    @Test func malformedJSON() async throws {
        try await expectRejectedCreate(#"{"code": "X-1", "name": "#, status: 400, type: "/problems/malformed-request")
    }

    @Test func wrongType() async throws {
        try await expectRejectedCreate(#"{"code":"X-1","name":"N","currency":"EUR","budgetAtCompletion":"lots"}"#,
                                       status: 400, type: "/problems/malformed-request", pointer: "/budgetAtCompletion")
    }

    @Test func unknownEnumValue() async throws {
        try await expectRejectedCreate(#"{"code":"X-1","name":"N","currency":"EUR","status":"dreaming"}"#,
                                       status: 400, type: "/problems/malformed-request", pointer: "/status")
    }

    @Test func missingRequiredField() async throws {
        try await expectRejectedCreate(#"{"code":"X-1","currency":"EUR"}"#,
                                       status: 400, type: "/problems/malformed-request", pointer: "/name")
    }

    @Test func unknownField() async throws {
        try await expectRejectedCreate(#"{"code":"X-1","name":"N","currency":"EUR","colour":"red"}"#,
                                       status: 400, type: "/problems/malformed-request")
    }

    @Test func ruleViolationsAreAllReported() async throws {
        try await expectRejectedCreate(
            #"{"code":"lower","name":"N","currency":"EUR","plannedStart":"2026-05-01","plannedFinish":"2026-04-01"}"#,
            status: 422, type: "/problems/validation", pointer: "/plannedFinish")
        try await expectRejectedCreate(#"{"code":"X-1","name":"N","currency":"EUR","plannedStart":"2026-02-30"}"#,
                                       status: 422, type: "/problems/validation", pointer: "/plannedStart")
    }

    @Test func bodyOverOneMebibyte() async throws {
        let padding = String(repeating: "x", count: 2 << 20)
        try await expectRejectedCreate(#"{"code":"X-1","name":"\#(padding)","currency":"EUR"}"#,
                                       status: 413, type: "/problems/payload-too-large")
    }

    @Test func wrongContentType() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("bad-ct")
        try await env.withApp { client in
            let response = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.valid,
                                                  headers: ["Content-Type": "text/plain"])
            #expect(response.status == .unsupportedMediaType)
            #expect(response.object["type"] as? String == "/problems/unsupported-media-type")
        }
        #expect(try await env.count("projects") == 0)
    }

    @Test func reusedIdempotencyKeyWithAnotherBody() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("bad-idem")
        try await env.withApp { client in
            let first = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.valid,
                                              headers: ["Idempotency-Key": "k-1"])
            #expect(first.status == .created)
            let other = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                              json: #"{"code":"OK-2","name":"Other","currency":"EUR"}"#,
                                              headers: ["Idempotency-Key": "k-1"])
            #expect(other.status == .unprocessableContent)
            #expect(other.object["type"] as? String == "/problems/idempotency-key-reused")
        }
        #expect(try await env.count("projects") == 1)
    }

    @Test func staleIfMatch() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("bad-etag")
        try await env.withApp { client in
            _ = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.valid)
            _ = try await client.call(.patch, "/v1/projects/OK-1", auth: a.authorization, json: #"{"name":"Second"}"#)
            let stale = try await client.call(.patch, "/v1/projects/OK-1", auth: a.authorization,
                                              json: #"{"name":"Lost update"}"#, headers: ["If-Match": "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.object["type"] as? String == "/problems/stale-version")
            let current = try await client.call(.get, "/v1/projects/OK-1", auth: a.authorization)
            #expect(current.object["name"] as? String == "Second")
            #expect(current.object["version"] as? Int == 2)
        }
        #expect(try await env.apiAudits() == 2, "create and the one accepted patch")
    }

    @Test func nullForARequiredFieldInAPatch() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("bad-null")
        try await env.withApp { client in
            _ = try await client.call(.post, "/v1/projects", auth: a.authorization, json: Self.valid)
            let response = try await client.call(.patch, "/v1/projects/OK-1", auth: a.authorization, json: #"{"name":null}"#)
            #expect(response.status == .unprocessableContent)
            #expect((response.object["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/name")
            #expect(try await client.call(.get, "/v1/projects/OK-1", auth: a.authorization).object["version"] as? Int == 1)
        }
    }

    @Test func badListParameters() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("bad-list")
        try await env.withApp { client in
            for uri in ["/v1/projects?limit=0", "/v1/projects?limit=201", "/v1/projects?cursor=not-a-cursor",
                        "/v1/projects?status=sleeping", "/v1/projects?limit=ten"] {
                let response = try await client.call(.get, uri, auth: a.authorization)
                #expect(response.status == .badRequest, "\(uri): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
            for uri in ["/v1/usage?from=2026-11-01", "/v1/usage?from=x&to=y", "/v1/usage?from=2026-02-30&to=2026-03-01"] {
                #expect(try await client.call(.get, uri, auth: a.authorization).status == .badRequest, "\(uri)")
            }
            // A bad parameter is named as a parameter, never as a body that is not JSON.
            let bogus = try await client.call(.get, "/v1/projects?status=bogus", auth: a.authorization)
            #expect(bogus.status == .badRequest)
            #expect(!bogus.text.contains("not valid JSON"), "\(bogus.text)")
            #expect(bogus.text.contains("parameter"), "\(bogus.text)")
        }
    }

    @Test func aBodyWithoutAContentTypeIs415AndCreatesNothing() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("bad-media")
        try await env.withApp { client in
            var headers = HTTPFields()
            headers[.authorization] = a.authorization
            let response = try await client.execute(uri: "/v1/projects", method: .post, headers: headers,
                                                    body: ByteBuffer(string: Self.valid))
            #expect(response.status == .unsupportedMediaType, "\(response.text)")
            #expect(response.header("Content-Type") == "application/problem+json")
            // A bad credential is still judged first.
            headers[.authorization] = "Bearer pmo_live_nope_nope"
            let unknown = try await client.execute(uri: "/v1/projects", method: .post, headers: headers,
                                                   body: ByteBuffer(string: Self.valid))
            #expect(unknown.status == .unauthorized)
            let list = try await client.call(.get, "/v1/projects", auth: a.authorization)
            #expect((list.object["items"] as? [Any])?.isEmpty == true)
        }
    }
}

/// Credential failures: 401 with `WWW-Authenticate`, or 403, and no writes.
@Suite struct AuthenticationTests {
    @Test func missingMalformedAndUnknownKeysAre401() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("auth-a")
        let forged = "Bearer pmo_live_\(a.key.publicID)_" + String(repeating: "a", count: 52)
        try await env.withApp { client in
            for auth in [nil, "Bearer nonsense", "Basic dXNlcjpwYXNz", forged,
                         "Bearer " + SecretToken.generate().token] as [String?] {
                let response = try await client.call(.post, "/v1/projects", auth: auth, json: BadInputTests.valid)
                #expect(response.status == .unauthorized, "\(auth ?? "none")")
                #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
                #expect(response.object["type"] as? String == "/problems/unauthenticated")
            }
        }
        #expect(try await env.count("projects") == 0)
    }

    @Test func revokedKeyIs401OnTheNextRequest() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("auth-b")
        try await env.withApp { client in
            #expect(try await client.call(.get, "/v1/projects", auth: a.authorization).status == .ok)
            _ = try await env.withOwner { database in
                try await database.tenantTransaction(a.tenant.id) { try await APIKeyStore($0).revoke(reference: a.key.publicID) }
            }
            let response = try await client.call(.post, "/v1/projects", auth: a.authorization, json: BadInputTests.valid)
            #expect(response.status == .unauthorized)
            #expect(response.object["detail"] as? String == "The API key has been revoked.")
        }
        #expect(try await env.count("projects") == 0)
    }

    @Test func expiredKeyIs401() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("auth-c")
        let expired = try await env.createKey(for: a.tenant, scopes: Scope.allCases, expiresAt: Date().addingTimeInterval(-1))
        try await env.withApp { client in
            let response = try await client.call(.get, "/v1/projects", auth: expired.authorization)
            #expect(response.status == .unauthorized)
            #expect(response.object["detail"] as? String == "The API key has expired.")
        }
    }

    @Test func missingScopeIs403InsufficientScope() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("auth-d", scopes: [.projectsRead])
        try await env.withApp { client in
            #expect(try await client.call(.get, "/v1/projects", auth: a.authorization).status == .ok)
            let write = try await client.call(.post, "/v1/projects", auth: a.authorization, json: BadInputTests.valid)
            #expect(write.status == .forbidden)
            #expect(write.object["type"] as? String == "/problems/insufficient-scope")
            #expect(try await client.call(.get, "/v1/usage?from=2026-11-01&to=2026-11-30", auth: a.authorization).status == .forbidden)
        }
        #expect(try await env.count("projects") == 0)
    }

    @Test func suspendedTenantIs403AndKeepsItsData() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("auth-e")
        try await env.withApp { client in
            #expect(try await client.call(.post, "/v1/projects", auth: a.authorization, json: BadInputTests.valid).status == .created)
            try await env.setStatus(a.tenant, .suspended)
            for (method, uri) in [(HTTPRequest.Method.get, "/v1/projects"), (.get, "/v1/projects/OK-1"), (.delete, "/v1/projects/OK-1")] {
                let response = try await client.call(method, uri, auth: a.authorization)
                #expect(response.status == .forbidden)
                #expect(response.object["type"] as? String == "/problems/tenant-suspended")
            }
            try await env.setStatus(a.tenant, .active)
            #expect(try await client.call(.get, "/v1/projects/OK-1", auth: a.authorization).status == .ok)
        }
        #expect(try await env.count("projects") == 1)
    }

    @Test func lastUseIsRecordedWithoutAWritePerRequest() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("auth-f")
        try await env.withApp { client in
            for _ in 0..<5 { _ = try await client.call(.get, "/v1/projects", auth: a.authorization) }
        }
        // Written once, by the flush at shutdown.
        let keys = try await env.withOwner { database in
            try await database.tenantTransaction(a.tenant.id) { try await APIKeyStore($0).all() }
        }
        #expect(keys.first?.lastUsedAt != nil)
    }
}

extension TestEnvironment {
    func setStatus(_ tenant: TenantRecord, _ status: TenantStatus) async throws {
        var changed = tenant
        changed.status = status
        _ = try await withOwner { try await TenantStore(database: $0).update(changed) }
    }
}

/// The same refusals on PATCH, and the credential deciding before the input does.
@Suite struct PatchBadInputTests {
    @Test func badPatchesChangeNothing() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("patch-bad")
        try await env.withApp { client in
            _ = try await client.call(.post, "/v1/projects", auth: a.authorization, json: BadInputTests.valid)
            let cases: [(String, Int)] = [
                (#"{"name": "#, 400),
                (#"{"budgetAtCompletion": "lots"}"#, 400),
                (#"{"status": "dreaming"}"#, 400),
                (#"{"colour": "red"}"#, 400),
                (#"{"plannedStart": "2026-05-01", "plannedFinish": "2026-04-01"}"#, 422),
                (#"{"name": "\#(String(repeating: "x", count: 2 << 20))"}"#, 413),
            ]
            for (json, status) in cases {
                let response = try await client.call(.patch, "/v1/projects/OK-1", auth: a.authorization, json: json)
                #expect(Int(response.status.code) == status, "\(json.prefix(60)): \(response.text.prefix(300))")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
            let current = try await client.call(.get, "/v1/projects/OK-1", auth: a.authorization)
            #expect(current.object["version"] as? Int == 1)
        }
        #expect(try await env.apiAudits() == 1)
    }

    @Test func theCredentialIsJudgedBeforeTheInput() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("patch-auth", scopes: [.projectsRead])
        try await env.withApp { client in
            let malformed = #"{"code": "#
            let unknown = try await client.call(.post, "/v1/projects", auth: "Bearer " + SecretToken.generate().token, json: malformed)
            #expect(unknown.status == .unauthorized)
            let readOnly = try await client.call(.post, "/v1/projects", auth: a.authorization, json: malformed)
            #expect(readOnly.status == .forbidden)
            #expect(readOnly.object["type"] as? String == "/problems/insufficient-scope")
            let invalidRef = try await client.call(.delete, "/v1/projects/not%20a%20code", auth: "Bearer " + SecretToken.generate().token)
            #expect(invalidRef.status == .unauthorized)
        }
    }
}
