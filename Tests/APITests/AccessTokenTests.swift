import Auth
import Crypto
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// Access tokens as JWS, without a server.
@Suite struct AccessTokenFormatTests {
    let key = SigningKey(kid: "k1", privateKey: .init(), createdAt: Date(), retireAfter: nil)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    var claims: AccessTokenClaims {
        AccessTokenClaims(issuer: "pmo", tenantID: TenantID(UUID()), clientID: UUID(), keyID: UUID(), scopes: [.projectsRead, .usageRead],
                          issuedAt: now, expiresAt: now.addingTimeInterval(900), tokenID: UUID())
    }

    func verify(_ token: String, at time: Date? = nil, issuer: String = "pmo") throws(AccessTokenRejection) -> AccessTokenClaims {
        try AccessToken.verify(token[...], keys: { $0 == key.kid ? key.publicKey : nil }, issuer: issuer, now: time ?? now)
    }

    @Test func aSignedTokenVerifiesToItsClaims() throws {
        let original = claims
        let token = try AccessToken.sign(original, with: key)
        #expect(AccessToken.looksLikeToken(token[...]))
        #expect(!AccessToken.looksLikeToken("pmo_live_abcdefghijkl_x"))
        let verified = try verify(token)
        #expect(verified == original)
    }

    @Test func everyTamperingIsRefused() throws {
        let token = try AccessToken.sign(claims, with: key)
        let parts = token.split(separator: ".").map(String.init)
        // Another payload under the same signature.
        var other = claims
        other.scopes = Scope.allCases
        let forged = try AccessToken.sign(other, with: key).split(separator: ".").map(String.init)
        #expect(throws: AccessTokenRejection.badSignature) { try verify([parts[0], forged[1], parts[2]].joined(separator: ".")) }
        // alg: none, with no signature.
        let none = Base64URL.encode(Data(#"{"alg":"none","kid":"k1","typ":"JWT"}"#.utf8))
        #expect(throws: AccessTokenRejection.unsupportedAlgorithm) { try verify("\(none).\(parts[1]).") }
        let hs256 = Base64URL.encode(Data(#"{"alg":"HS256","kid":"k1","typ":"JWT"}"#.utf8))
        #expect(throws: AccessTokenRejection.unsupportedAlgorithm) { try verify("\(hs256).\(parts[1]).\(parts[2])") }
        // Signed by a key nobody published.
        let stranger = SigningKey(kid: "k2", privateKey: .init(), createdAt: Date(), retireAfter: nil)
        #expect(throws: AccessTokenRejection.unknownKey) { try verify(try AccessToken.sign(claims, with: stranger)) }
        let impostor = SigningKey(kid: "k1", privateKey: .init(), createdAt: Date(), retireAfter: nil)
        #expect(throws: AccessTokenRejection.badSignature) { try verify(try AccessToken.sign(claims, with: impostor)) }
        #expect(throws: AccessTokenRejection.expired) { try verify(token, at: now.addingTimeInterval(900)) }
        #expect(throws: AccessTokenRejection.wrongIssuer) { try verify(token, issuer: "someone-else") }
        #expect(throws: AccessTokenRejection.malformed) { try verify("e.e") }
        #expect(throws: AccessTokenRejection.malformed) { try verify("eyJ.e30.!!") }
    }
}

@Suite struct VerifiedTokenCacheTests {
    @Test func tokensAreRememberedUntilTheyExpireAndTheCacheStaysBounded() {
        let cache = VerifiedTokenCache(capacity: 3)
        let now = Date()
        func claims(expiring seconds: TimeInterval) -> AccessTokenClaims {
            AccessTokenClaims(issuer: "pmo", tenantID: TenantID(UUID()), clientID: UUID(), keyID: UUID(), scopes: [.projectsRead], issuedAt: now,
                              expiresAt: now.addingTimeInterval(seconds), tokenID: UUID())
        }
        let long = claims(expiring: 900)
        cache.remember("eyJ.a.b", long, now: now)
        #expect(cache.claims(for: "eyJ.a.b", now: now) == long)
        #expect(cache.claims(for: "eyJ.a.c", now: now) == nil, "another text is another token")
        #expect(cache.claims(for: "eyJ.a.b", now: now.addingTimeInterval(900)) == nil, "expired")
        cache.remember("eyJ.short.1", claims(expiring: 1), now: now)
        cache.remember("eyJ.short.2", claims(expiring: 1), now: now)
        cache.remember("eyJ.new", claims(expiring: 900), now: now.addingTimeInterval(2))
        #expect(cache.count == 2, "expired entries made room")
        #expect(cache.claims(for: "eyJ.a.b", now: now.addingTimeInterval(2)) == long)
    }
}

/// The client credentials grant end to end.
@Suite struct AccessTokenAPITests {
    struct Robot: Sendable {
        let id: String
        let secret: String
        let keyID: String
    }

    static func robot(_ client: any TestClientProtocol, admin: MemberFixture, name: String = "Robot",
                      scopes: String = #"["projects:read","projects:write"]"#) async throws -> Robot {
        let created = try await client.call(.post, "/v1/api-clients", auth: admin.authorization,
                                            json: #"{"name":"\#(name)","scopes":\#(scopes)}"#)
        let id = try #require(created.object["id"] as? String)
        let key = try await client.call(.post, "/v1/api-clients/\(id)/keys", auth: admin.authorization, json: #"{"name":"k"}"#)
        return Robot(id: id, secret: try #require(key.object["token"] as? String), keyID: try #require(key.object["id"] as? String))
    }

    static func token(_ client: any TestClientProtocol, _ robot: Robot, scope: String? = nil) async throws -> String {
        var form = "grant_type=client_credentials&client_id=\(robot.id)&client_secret=\(robot.secret)"
        if let scope { form += "&scope=" + scope.replacingOccurrences(of: " ", with: "+") }
        let response = try await client.postForm("/v1/oauth/token", form)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(response.object["access_token"] as? String)
    }

    @Test func aClientExchangesAKeyForATokenThatActsWithinItsScopes() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("oauth-a").tenant
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        try await env.withApp { client in
            let robot = try await Self.robot(client, admin: admin)
            let issued = try await client.postForm(
                "/v1/oauth/token", "grant_type=client_credentials&client_id=\(robot.id)&client_secret=\(robot.secret)")
            #expect(issued.status == .ok)
            #expect(issued.header("Cache-Control") == "no-store")
            #expect(issued.object["token_type"] as? String == "Bearer")
            #expect(issued.object["expires_in"] as? Int == 900)
            #expect(issued.object["scope"] as? String == "projects:read projects:write")
            let token = try #require(issued.object["access_token"] as? String)
            let bearer = "Bearer \(token)"
            #expect(try await client.call(.get, "/v1/projects", auth: bearer).status == .ok)
            let created = try await client.call(.post, "/v1/projects", auth: bearer, json: #"{"code":"TOK-1","name":"By token","currency":"EUR"}"#)
            #expect(created.status == .created)

            // HTTP Basic, narrowed to reading.
            let basic = Data("\(robot.id):\(robot.secret)".utf8).base64EncodedString()
            let narrowed = try await client.postForm("/v1/oauth/token", "grant_type=client_credentials&scope=projects%3Aread",
                                                     headers: ["Authorization": "Basic \(basic)"])
            #expect(narrowed.object["scope"] as? String == "projects:read")
            let reader = "Bearer \(try #require(narrowed.object["access_token"] as? String))"
            #expect(try await client.call(.get, "/v1/projects/TOK-1", auth: reader).status == .ok)
            #expect(try await client.call(.delete, "/v1/projects/TOK-1", auth: reader).status == .forbidden)

            // Revoking the key that obtained a token stops the token at once; the client's other keys' tokens go on.
            let spare = try await client.call(.post, "/v1/api-clients/\(robot.id)/keys", auth: admin.authorization,
                                              json: #"{"name":"spare","expiresAt":"2099-01-01T00:00:00Z"}"#)
            let spareRobot = Robot(id: robot.id, secret: try #require(spare.object["token"] as? String),
                                   keyID: try #require(spare.object["id"] as? String))
            let spareToken = "Bearer \(try await Self.token(client, spareRobot))"
            #expect(try await client.call(.delete, "/v1/api-clients/\(robot.id)/keys/\(spareRobot.keyID)",
                                          auth: admin.authorization).status == .noContent)
            #expect(try await client.call(.get, "/v1/projects", auth: spareToken).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/projects", auth: bearer).status == .ok)
            // A token never outlives its key.
            let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(120))
            let shortKey = try await client.call(.post, "/v1/api-clients/\(robot.id)/keys", auth: admin.authorization,
                                                 json: #"{"name":"short","expiresAt":"\#(soon)"}"#)
            let shortSecret = try #require(shortKey.object["token"] as? String)
            let short = try await client.postForm(
                "/v1/oauth/token", "grant_type=client_credentials&client_id=\(robot.id)&client_secret=\(shortSecret)")
            #expect((short.object["expires_in"] as? Int).map { (100...120).contains($0) } == true, "\(short.text)")

            // Narrowing the client narrows tokens already issued; disabling it stops them at once.
            #expect(try await client.call(.patch, "/v1/api-clients/\(robot.id)", auth: admin.authorization,
                                          json: #"{"scopes":["projects:read"]}"#).status == .ok)
            #expect(try await client.call(.post, "/v1/projects", auth: bearer, json: #"{"code":"TOK-2","name":"x","currency":"EUR"}"#).status == .forbidden)
            #expect(try await client.call(.patch, "/v1/api-clients/\(robot.id)", auth: admin.authorization,
                                          json: #"{"status":"disabled"}"#).status == .ok)
            let refused = try await client.call(.get, "/v1/projects", auth: bearer)
            #expect(refused.status == .unauthorized)
            #expect(refused.header("WWW-Authenticate")?.contains("invalid_token") == true)
            let noMore = try await client.postForm(
                "/v1/oauth/token", "grant_type=client_credentials&client_id=\(robot.id)&client_secret=\(robot.secret)")
            #expect(noMore.status == .unauthorized)
        }
        let audited = try await env.auditOperations(tenant: tenant.id)
        #expect(audited.filter { $0 == "issueAccessToken" }.count == 4)
        let byClient = try await env.withOwner { database in
            var actors: [String] = []
            for try await actor in try await database.query(
                "select actor_type from audit_events where tenant_id = \(tenant.id) and operation = 'createProject'").decode(String.self) { actors.append(actor) }
            return actors
        }
        #expect(byClient == ["api_client"])
    }

    @Test func theTokenEndpointAnswersInRFC6749Errors() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("oauth-b").tenant
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        try await env.withApp { client in
            let robot = try await Self.robot(client, admin: admin)
            let other = try await Self.robot(client, admin: admin, name: "Other")
            let credentials = "client_id=\(robot.id)&client_secret=\(robot.secret)"
            let basic = Data("\(robot.id):\(robot.secret)".utf8).base64EncodedString()
            let cases: [(String, [String: String], Int, String)] = [
                (credentials, [:], 400, "invalid_request"),
                ("grant_type=password&" + credentials, [:], 400, "unsupported_grant_type"),
                ("grant_type=client_credentials&scope=projects%3Aread+root%3Aall&" + credentials, [:], 400, "invalid_scope"),
                ("grant_type=client_credentials&scope=usage%3Aread&" + credentials, [:], 400, "invalid_scope"),
                ("grant_type=client_credentials&" + credentials, ["Authorization": "Basic \(basic)"], 400, "invalid_request"),
                ("grant_type=client_credentials&client_id=\(robot.id)&client_secret=pmo_live_abcdefghijkl_\(String(repeating: "a", count: 52))", [:], 401, "invalid_client"),
                ("grant_type=client_credentials&client_id=\(other.id)&client_secret=\(robot.secret)", [:], 401, "invalid_client"),
                ("grant_type=client_credentials&client_id=nope&client_secret=\(robot.secret)", [:], 401, "invalid_client"),
                ("grant_type=client_credentials", [:], 401, "invalid_client"),
            ]
            for (form, headers, status, error) in cases {
                let response = try await client.postForm("/v1/oauth/token", form, headers: headers)
                #expect(Int(response.status.code) == status, "\(form): \(response.text)")
                #expect(response.object["error"] as? String == error, "\(form)")
                #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            }
            let wrongBasic = Data("\(robot.id):pmo_live_abcdefghijkl_\(String(repeating: "b", count: 52))".utf8).base64EncodedString()
            let challenged = try await client.postForm("/v1/oauth/token", "grant_type=client_credentials",
                                                       headers: ["Authorization": "Basic \(wrongBasic)"])
            #expect(challenged.status == .unauthorized)
            #expect(challenged.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            // A revoked key is no secret any more.
            #expect(try await client.call(.delete, "/v1/api-clients/\(robot.id)/keys/\(robot.keyID)", auth: admin.authorization).status == .noContent)
            let revoked = try await client.postForm("/v1/oauth/token", "grant_type=client_credentials&" + credentials)
            #expect(revoked.status == .unauthorized)
        }
    }

    @Test func rotationKeepsOldTokensValidUntilTheyExpireAndTamperedOnesNever() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("oauth-c").tenant
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        let (robot, oldToken) = try await env.withApp { client in
            let robot = try await Self.robot(client, admin: admin)
            return (robot, try await Self.token(client, robot))
        }
        _ = try await env.withOwner { database in
            try await SigningKeyStore.rotate(database: database, now: Date(),
                                             retireOthersAfter: Date().addingTimeInterval(AccessToken.lifetime + 90),
                                             seal: TestKeys.signingKeySeal)
        }
        try await env.withApp { client in
            // The new key signs (its kid is new to this server, which reloads), the old one still verifies.
            let newToken = try await Self.token(client, robot)
            #expect(Self.kid(newToken) != Self.kid(oldToken))
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(newToken)").status == .ok)
            #expect(try await client.call(.get, "/v1/projects", auth: "Bearer \(oldToken)").status == .ok)
            let jwks = try await client.call(.get, "/.well-known/jwks.json")
            let keys = try #require(jwks.object["keys"] as? [[String: Any]])
            #expect(Set(keys.compactMap { $0["kid"] as? String }) == [Self.kid(oldToken), Self.kid(newToken)])
            #expect(keys.allSatisfy { $0["kty"] as? String == "OKP" && $0["crv"] as? String == "Ed25519" })

            // Tampered, unsigned and foreign tokens are all 401.
            let parts = oldToken.split(separator: ".").map(String.init)
            let none = Base64URL.encode(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
            var payload = try #require(try JSONSerialization.jsonObject(with: Base64URL.decode(parts[1][...])!) as? [String: Any])
            payload["scope"] = Scope.allCases.map(\.rawValue).joined(separator: " ")
            let widened = Base64URL.encode(try JSONSerialization.data(withJSONObject: payload))
            let foreign = try AccessToken.sign(
                AccessTokenClaims(issuer: "pmo", tenantID: tenant.id, clientID: UUID(uuidString: robot.id)!,
                                  keyID: UUID(uuidString: robot.keyID)!, scopes: Scope.allCases,
                                  issuedAt: Date(), expiresAt: Date().addingTimeInterval(600), tokenID: UUID()),
                with: SigningKey(kid: Self.kid(oldToken), privateKey: .init(), createdAt: Date(), retireAfter: nil))
            for forged in ["\(parts[0]).\(widened).\(parts[2])", "\(none).\(parts[1]).", foreign, "\(parts[0]).\(parts[1])"] {
                let refused = try await client.call(.get, "/v1/projects", auth: "Bearer \(forged)")
                #expect(refused.status == .unauthorized, "\(forged.prefix(40))")
            }
        }
        // Seventeen minutes on: the old token has expired and its key retired; the new key alone is published.
        let later = Domain.Environment(now: { Date().addingTimeInterval(17 * 60) }, newID: Domain.Environment.live.newID)
        try await env.withApp(environment: later) { client in
            let expired = try await client.call(.get, "/v1/projects", auth: "Bearer \(oldToken)")
            #expect(expired.status == .unauthorized)
            let keys = try await client.call(.get, "/.well-known/jwks.json").object["keys"] as? [[String: Any]]
            #expect(keys?.count == 1)
            #expect(keys?.first?["kid"] as? String != Self.kid(oldToken))
        }
    }

    static func kid(_ token: String) -> String {
        let header = Base64URL.decode(token.split(separator: ".")[0]).flatMap { try? JSONSerialization.jsonObject(with: $0) }
        return (header as? [String: Any])?["kid"] as? String ?? ""
    }

    @Test func signingKeysAreStoredSealedAndOpenOnlyWithTheirKeyEncryptionKey() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("oauth-seal").tenant
        let admin = try await env.createMember(in: tenant, role: .pmoAdmin)
        let token = try await env.withApp { client in try await Self.token(client, try await Self.robot(client, admin: admin)) }
        let stored = try await env.withOwner { database in
            var rows: [(String, [UInt8], [String])] = []
            for try await (kid, sealed, columns) in try await database.query("""
                select kid, sealed_private_key,
                       array(select column_name::text from information_schema.columns where table_name = 'signing_keys')
                from signing_keys where retire_after is null
                """).decode((String, ByteBuffer, [String]).self) {
                rows.append((kid, Array(buffer: sealed), columns))
            }
            return rows
        }
        let (kid, sealed, columns) = try #require(stored.first)
        #expect(Self.kid(token) == kid)
        #expect(!columns.contains("private_key"), "\(columns)")
        #expect(sealed.count == 12 + 32 + 16)  // nonce, ciphertext, tag: nothing in the clear
        let opened = try #require(TestKeys.signingKeySeal.open(sealed, kid: kid))
        // The opened key is the one that signed: its public half is the published one.
        let published = try await env.withApp { client in try await client.call(.get, "/.well-known/jwks.json") }
        let keys = try #require(published.object["keys"] as? [[String: Any]])
        #expect(keys.contains { $0["kid"] as? String == kid && $0["x"] as? String == Base64URL.encode(opened.publicKey.rawRepresentation) })
        // Another key-encryption key, or the box moved to another key id, opens nothing.
        let other = try SigningKeySeal(base64: Data((0..<32).map { UInt8($0) }).base64EncodedString())
        #expect(other.open(sealed, kid: kid) == nil)
        #expect(TestKeys.signingKeySeal.open(sealed, kid: kid + "x") == nil)
        #expect(throws: SigningKeySeal.Invalid.self) { try SigningKeySeal(environment: [:]) }
        #expect(throws: SigningKeySeal.Invalid.self) { try SigningKeySeal(base64: "c2hvcnQ=") }
    }
}
