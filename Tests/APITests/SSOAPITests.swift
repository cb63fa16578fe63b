import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// Tokens of an identity provider, parsed and checked without a server.
@Suite struct IdentityTokenTests {
    let idp = TestIdentityProvider()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func claimsAreReadAndTimesCheckedWithLeeway() throws {
        let key = idp.newKey(kid: "k1")
        var claims = idp.claims(email: "Ada@Example.COM", audience: "pmo-app", now: now)
        claims["aud"] = ["other", "pmo-app"]
        claims["nbf"] = Int(now.timeIntervalSince1970)
        let token = try IdentityToken(idp.token(claims, key: key)[...])
        #expect(token.issuer == idp.issuer && token.audiences == ["other", "pmo-app"] && token.keyID == "k1")
        #expect(try token.email(claim: "email") == "ada@example.com")
        #expect(throws: SSORejection.missingEmail) { try token.email(claim: "preferred_username") }
        try token.checkValidity(now: now)
        try token.checkValidity(now: now.addingTimeInterval(300 + 29))  // within the leeway
        #expect(throws: SSORejection.expired) { try token.checkValidity(now: now.addingTimeInterval(300 + 30)) }
        #expect(throws: SSORejection.notYetValid) { try token.checkValidity(now: now.addingTimeInterval(-31)) }
    }

    @Test func malformedUnsignedAndUnverifiedTokensAreRefused() throws {
        let key = idp.newKey(kid: "k1")
        let claims = idp.claims(email: "ada@example.com", audience: "pmo-app", now: now)
        #expect(throws: SSORejection.unsupportedAlgorithm) {
            try IdentityToken(idp.token(claims, key: key, header: ["alg": "none"])[...])
        }
        #expect(throws: SSORejection.unsupportedAlgorithm) {
            try IdentityToken(idp.token(claims, key: key, header: ["alg": "HS256"])[...])
        }
        var noAudience = claims
        noAudience["aud"] = nil
        #expect(throws: SSORejection.malformed) { try IdentityToken(idp.token(noAudience, key: key)[...]) }
        var noExpiry = claims
        noExpiry["exp"] = nil
        #expect(throws: SSORejection.malformed) { try IdentityToken(idp.token(noExpiry, key: key)[...]).checkValidity(now: now) }
        var unverified = claims
        unverified["email_verified"] = "false"
        #expect(throws: SSORejection.emailNotVerified) { try IdentityToken(idp.token(unverified, key: key)[...]).email(claim: "email") }
        #expect(throws: SSORejection.malformed) { try IdentityToken("eyJ.e30"[...]) }
        #expect(IdentityToken.issuer(of: idp.token(claims, key: key)[...]) == idp.issuer)
    }

    @Test func inlineKeySetsKeepOnlyPublicSigningKeys() async throws {
        let key = idp.newKey(kid: "k1")
        let good = Data(TestIdentityProvider.jwks([key]).utf8)
        #expect(try await ProviderKeySet.parse(good, strict: true).keyIDs == ["k1"])
        var withPrivate = key.jwk
        withPrivate["d"] = "c2VjcmV0"
        var encryption = key.jwk
        encryption["use"] = "enc"
        encryption["kid"] = "k2"
        var noKid = key.jwk
        noKid["kid"] = nil
        let cases: [([[String: String]], String)] = [
            ([withPrivate], "/keys/0/d"), ([key.jwk, encryption], "/keys/1/use"), ([noKid], "/keys/0/kid"),
            ([key.jwk, key.jwk], "/keys/1/kid"), ([["kty": "oct", "kid": "h", "k": "c2VjcmV0"]], "/keys/0/k"),
            ([["kty": "EC", "crv": "P-256", "kid": "bad", "x": "AAAA", "y": "AAAA"]], "/keys/0"),
        ]
        for (keys, pointer) in cases {
            let document = try JSONSerialization.data(withJSONObject: ["keys": keys])
            await #expect(throws: ProviderKeySet.Problem.self, "\(pointer)") { try await ProviderKeySet.parse(document, strict: true) }
            do {
                _ = try await ProviderKeySet.parse(document, strict: true)
            } catch {
                #expect(error.pointer == pointer)
            }
        }
        // A fetched set skips what it cannot use and keeps the rest.
        let mixed = try JSONSerialization.data(withJSONObject: ["keys": [encryption, key.jwk]])
        #expect(try await ProviderKeySet.parse(mixed, strict: false).keyIDs == ["k1"])
    }
}

/// Tenant SSO end to end: the tests are the identity provider, with key pairs made here
/// and a JWKS served on loopback.
@Suite struct SSOAPITests {
    static let audience = "pmo-app"

    func configure(_ client: some TestClientProtocol, owner: MemberFixture, _ json: String) async throws -> TestResponse {
        try await client.call(.put, "/v1/sso", auth: owner.authorization, json: json)
    }

    func bearer(_ token: String) -> String { "Bearer \(token)" }

    @Test func aMemberSignsInWithTheProvidersTokenAndActsWithTheirRole() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sso-happy").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let contributor = try await env.createMember(in: tenant, role: .contributor, email: "grace@example.com")
        let idp = TestIdentityProvider()
        let key = idp.newKey(kid: "2026-11")
        idp.publish([key])
        try await idp.serve { jwksURL in
            try await env.withApp(ssoAllowsInsecureKeySets: true) { client in
                let created = try await configure(client, owner: owner, """
                    {"issuer":"\(idp.issuer)","audience":"\(Self.audience)","jwksUrl":"\(jwksURL)"}
                    """)
                #expect(created.status == .created, "\(created.text)")
                #expect(created.object["emailClaim"] as? String == "email")
                #expect(created.header("ETag") == "\"1\"")
                let read = try await client.call(.get, "/v1/sso", auth: owner.authorization)
                #expect(read.object["jwksUrl"] as? String == jwksURL && read.object["issuer"] as? String == idp.issuer)

                // The provider's token for Grace (any case of her address) acts as Grace, with her role.
                let token = idp.token(idp.claims(email: "Grace@Example.com", audience: Self.audience), key: key)
                let me = try await client.call(.get, "/v1/members/me", auth: bearer(token))
                #expect(me.status == .ok, "\(me.text)")
                #expect(me.object["id"] as? String == contributor.member.id.uuidString.lowercased())
                let project = try await client.call(.post, "/v1/projects", auth: bearer(token),
                                                    json: #"{"code":"SSO-1","name":"Signed in","currency":"EUR"}"#)
                #expect(project.status == .created, "\(project.text)")
                let usage = try await client.call(.get, "/v1/audit-events", auth: bearer(token))
                #expect(usage.status == .forbidden && usage.object["type"] as? String == "/problems/insufficient-scope")
                // Her writes are audited as her.
                let events = try await client.call(.get, "/v1/audit-events?operation=createProject", auth: owner.authorization)
                let actor = (events.object["items"] as? [[String: Any]])?.first?["actor"] as? [String: Any]
                #expect(actor?["type"] as? String == "member")
                #expect(actor?["id"] as? String == contributor.member.id.uuidString.lowercased())
                // She may make herself a personal access token with her role's scopes.
                let personal = try await client.call(.post, "/v1/members/me/tokens", auth: bearer(token), json: #"{"name":"cli"}"#)
                #expect(personal.status == .created)
                #expect(Set(personal.object["scopes"] as? [String] ?? []) == Set(Role.contributor.scopes.map(\.rawValue)))

                // A role change applies to the next request with the same token.
                let promoted = try await client.call(.patch, "/v1/members/\(contributor.member.id)", auth: owner.authorization,
                                                     json: #"{"role":"auditor"}"#)
                #expect(promoted.status == .ok)
                #expect(try await client.call(.get, "/v1/audit-events", auth: bearer(token)).status == .ok)
                #expect(idp.fetchCount == 1, "the JWKS is fetched once and kept")
            }
        }
    }

    @Test func everyBadTokenIsRefusedWith401() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sso-bad").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        _ = try await env.createMember(in: tenant, role: .viewer, email: "ada@example.com")
        let invited = "invited@example.com"
        try await env.withOwner { database in
            try await database.tenantTransaction(tenant.id) { scope in
                let now = Date()
                _ = try await MemberStore(scope).invite(
                    id: Domain.Environment.live.newID(), email: invited, name: nil, role: .viewer, at: now,
                    expiresAt: now.addingTimeInterval(Invitation.lifetime))
            }
        }
        let idp = TestIdentityProvider()
        let key = idp.newKey(kid: "k1")
        idp.publish([key])
        let stranger = idp.newKey(kid: "k1")  // same kid, a key the provider never published
        let unpublished = idp.newKey(kid: "k-unknown")
        let otherIssuer = TestIdentityProvider(issuer: "https://elsewhere.example.test")
        try await idp.serve { jwksURL in
            try await env.withApp(ssoAllowsInsecureKeySets: true) { client in
                #expect(try await configure(client, owner: owner, """
                    {"issuer":"\(idp.issuer)","audience":"\(Self.audience)","jwksUrl":"\(jwksURL)"}
                    """).status == .created)
                let good = idp.claims(email: "ada@example.com", audience: Self.audience)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(idp.token(good, key: key))).status == .ok)
                // Without kid, the provider's only key is the one.
                let withoutKid = idp.token(good, key: key, header: ["kid": NSNull()])
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(withoutKid)).status == .ok)

                var expired = good
                expired["exp"] = Int(Date().timeIntervalSince1970) - 120
                var wrongAudience = good
                wrongAudience["aud"] = "someone-else"
                var unverified = good
                unverified["email_verified"] = false
                let valid = idp.token(good, key: key)
                let parts = valid.split(separator: ".").map(String.init)
                var tamperedClaims = good
                tamperedClaims["email"] = "owner@example.com"
                let cases: [(String, String)] = [
                    ("expired", idp.token(expired, key: key)),
                    ("wrong audience", idp.token(wrongAudience, key: key)),
                    ("wrong issuer", otherIssuer.token(otherIssuer.claims(email: "ada@example.com", audience: Self.audience), key: key)),
                    ("unknown kid", idp.token(good, key: unpublished)),
                    ("unknown kid on a published key's signature", idp.token(good, key: key, header: ["kid": "nope"])),
                    ("another algorithm for the key", idp.token(good, key: key, header: ["alg": "ES384"])),
                    ("alg none", "\(TestIdentityProvider.part(["alg": "none", "kid": "k1"])).\(parts[1])."),
                    ("HS256", "\(TestIdentityProvider.part(["alg": "HS256", "kid": "k1"])).\(parts[1]).\(parts[2])"),
                    ("signed by another key", idp.token(good, key: stranger)),
                    ("tampered payload", "\(parts[0]).\(TestIdentityProvider.part(tamperedClaims)).\(parts[2])"),
                    ("unverified e-mail", idp.token(unverified, key: key)),
                    ("unknown member", idp.token(idp.claims(email: "nobody@example.com", audience: Self.audience), key: key)),
                    ("invited, not yet a member", idp.token(idp.claims(email: invited, audience: Self.audience), key: key)),
                ]
                // Until the signature verifies, every refusal gives the same reason.
                let untrusted = "not signed by an identity provider trusted for this audience"
                let reasons = ["expired": "expired token", "unverified e-mail": "e-mail not verified",
                               "unknown member": "No active member", "invited, not yet a member": "No active member"]
                for (name, token) in cases {
                    let response = try await client.call(.get, "/v1/projects", auth: bearer(token))
                    #expect(response.status == .unauthorized, "\(name): \(response.status) \(response.text)")
                    #expect(response.header("WWW-Authenticate")?.contains("invalid_token") == true, "\(name)")
                    let detail = response.object["detail"] as? String ?? ""
                    #expect(detail.contains(reasons[name] ?? untrusted), "\(name): \(detail)")
                }
                #expect(idp.fetchCount == 2, "the unknown kids fetched the JWKS once more, no more")

                // A deactivated member's token stops at once.
                let ada = try await client.call(.get, "/v1/members/me", auth: bearer(valid))
                let adaID = try #require(ada.object["id"] as? String)
                #expect(try await client.call(.patch, "/v1/members/\(adaID)", auth: owner.authorization,
                                              json: #"{"status":"deactivated"}"#).status == .ok)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(valid)).status == .unauthorized)

                // A suspended tenant's members are refused like its keys.
                let active = idp.token(idp.claims(email: "grace@example.com", audience: Self.audience), key: key)
                _ = try await env.createMember(in: tenant, role: .viewer, email: "grace@example.com")
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(active)).status == .ok)
                try await env.setStatus(tenant, .suspended)
                let suspended = try await client.call(.get, "/v1/projects", auth: bearer(active))
                #expect(suspended.status == .forbidden && suspended.object["type"] as? String == "/problems/tenant-suspended")
            }
        }
    }

    @Test func anRSAKeyWithoutAlgIsPinnedToRS256() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sso-rsa").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        _ = try await env.createMember(in: tenant, role: .viewer, email: "ada@example.com")
        let idp = TestIdentityProvider()
        let key = idp.newRSAKey(kid: "rsa-1")
        #expect(key.jwk["alg"] == nil)
        try await env.withApp { client in
            let configured = try await configure(client, owner: owner, """
                {"issuer":"\(idp.issuer)","audience":"\(Self.audience)","jwks":\(TestIdentityProvider.jwks([key]))}
                """)
            #expect(configured.status == .created, "\(configured.text)")
            let claims = idp.claims(email: "ada@example.com", audience: Self.audience)
            // A forged token naming another RSA algorithm first must not decide how the key is used...
            let forged = idp.token(claims, key: key, header: ["alg": "PS512"])
            #expect(try await client.call(.get, "/v1/projects", auth: bearer(forged)).status == .unauthorized)
            // ...so the provider's RS256 tokens still verify.
            #expect(try await client.call(.get, "/v1/projects", auth: bearer(idp.token(claims, key: key))).status == .ok)
        }
    }

    @Test func theProvidersKeyRotationIsFollowedAndRemovingTheConfigurationStopsItsTokens() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sso-rotate").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        _ = try await env.createMember(in: tenant, role: .viewer, email: "ada@example.com")
        let idp = TestIdentityProvider()
        let old = idp.newKey(kid: "old")
        let new = idp.newKey(kid: "new")
        idp.publish([old])
        try await idp.serve { jwksURL in
            try await env.withApp(ssoAllowsInsecureKeySets: true) { client in
                #expect(try await configure(client, owner: owner, """
                    {"issuer":"\(idp.issuer)","audience":"\(Self.audience)","jwksUrl":"\(jwksURL)"}
                    """).status == .created)
                let claims = idp.claims(email: "ada@example.com", audience: Self.audience)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(idp.token(claims, key: old))).status == .ok)
                // The provider rotates: a token with the new kid makes the server fetch the keys again.
                idp.publish([old, new])
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(idp.token(claims, key: new))).status == .ok)
                #expect(idp.fetchCount == 2)

                // Replacing the configuration with an inline JWKS that lacks the old key.
                let replaced = try await client.call(.put, "/v1/sso", auth: owner.authorization, json: """
                    {"issuer":"\(idp.issuer)","audience":"\(Self.audience)","jwks":\(TestIdentityProvider.jwks([new]))}
                    """, headers: ["If-Match": "\"1\""])
                #expect(replaced.status == .ok, "\(replaced.text)")
                #expect(replaced.header("ETag") == "\"2\"" && replaced.object["jwksUrl"] == nil)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(idp.token(claims, key: old))).status == .unauthorized)
                let token = idp.token(claims, key: new)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(token)).status == .ok)
                let stale = try await client.call(.delete, "/v1/sso", auth: owner.authorization, headers: ["If-Match": "\"1\""])
                #expect(stale.status == .preconditionFailed)
                #expect(try await client.call(.delete, "/v1/sso", auth: owner.authorization).status == .noContent)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(token)).status == .unauthorized)
                #expect(try await client.call(.get, "/v1/sso", auth: owner.authorization).status == .notFound)
                #expect(try await client.call(.delete, "/v1/sso", auth: owner.authorization).status == .notFound)

                // Made again (version 1 again) with another key: the earlier key set is not used.
                let other = idp.newKey(kid: "new")
                #expect(try await configure(client, owner: owner, """
                    {"issuer":"\(idp.issuer)","audience":"\(Self.audience)","jwks":\(TestIdentityProvider.jwks([other]))}
                    """).status == .created)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(token)).status == .unauthorized)
                #expect(try await client.call(.get, "/v1/projects", auth: bearer(idp.token(claims, key: other))).status == .ok)
            }
        }
        #expect(try await env.auditOperations(tenant: tenant.id).filter { $0.contains("SSO") }
            == ["deleteSSOConfiguration", "putSSOConfiguration", "putSSOConfiguration", "putSSOConfiguration"])
    }

    @Test func aProvidersTokenNeverReachesAnotherTenant() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("sso-a").tenant
        let b = try await env.createTenant("sso-b").tenant
        let aOwner = try await env.createMember(in: a, role: .owner)
        let bOwner = try await env.createMember(in: b, role: .owner)
        // The same person is a member of B only.
        _ = try await env.createMember(in: b, role: .viewer, email: "ada@example.com")
        let idp = TestIdentityProvider()
        let key = idp.newKey(kid: "k1")
        try await env.withApp { client in
            let body = """
                {"issuer":"\(idp.issuer)","audience":"\(Self.audience)","jwks":\(TestIdentityProvider.jwks([key]))}
                """
            #expect(try await configure(client, owner: aOwner, body).status == .created)
            // A's provider vouching for Ada does not make her anyone in B, nor in A.
            let token = idp.token(idp.claims(email: "ada@example.com", audience: Self.audience), key: key)
            #expect(try await client.call(.get, "/v1/projects", auth: bearer(token)).status == .unauthorized)
            // B cannot trust the same issuer for the same audience (a token could not tell them apart)...
            let taken = try await configure(client, owner: bOwner, body)
            #expect(taken.status == .conflict && taken.object["type"] as? String == "/problems/sso-issuer-in-use", "\(taken.text)")
            // ...nor see A's configuration.
            #expect(try await client.call(.get, "/v1/sso", auth: bOwner.authorization).status == .notFound)
            // With an audience of its own, B's members sign in to B.
            #expect(try await configure(client, owner: bOwner, """
                {"issuer":"\(idp.issuer)","audience":"pmo-b","jwks":\(TestIdentityProvider.jwks([key]))}
                """).status == .created)
            let forB = idp.token(idp.claims(email: "ada@example.com", audience: "pmo-b"), key: key)
            let projects = try await client.call(.get, "/v1/members/me", auth: bearer(forB))
            #expect(projects.status == .ok && projects.object["email"] as? String == "ada@example.com")
        }
    }

    @Test func badConfigurationsAre422AndChangeNothing() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sso-invalid").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        let key = TestIdentityProvider().newKey(kid: "k1")
        var withPrivate = key.jwk
        withPrivate["d"] = "c2VjcmV0"
        let privateSet = String(decoding: try JSONSerialization.data(withJSONObject: ["keys": [withPrivate]]), as: UTF8.self)
        let jwks = TestIdentityProvider.jwks([key])
        var nulKID = key.jwk
        nulKID["kid"] = "k\u{0}1"
        let nulKey = String(decoding: try JSONSerialization.data(withJSONObject: nulKID), as: UTF8.self)
        try await env.withApp { client in
            let cases: [(String, String)] = [
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"https://idp/k","jwks":\#(jwks)}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"http://idp/keys"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"not a url"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"https://127.0.0.1/keys"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"https://localhost:8443/keys"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"https://[::1]/keys"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"https://169.254.169.254/latest"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwksUrl":"https://10.1.2.3/keys"}"#, "/jwksUrl"),
                (#"{"issuer":"https://idp","audience":"a","jwks":{"keys":[\#(nulKey)]}}"#, "/jwks"),
                (#"{"issuer":"https://idp","audience":"a","jwks":\#(privateSet)}"#, "/jwks/keys/0/d"),
                (#"{"issuer":"pmo","audience":"a","jwks":\#(jwks)}"#, "/issuer"),
                (#"{"issuer":"with space","audience":"a","jwks":\#(jwks)}"#, "/issuer"),
                (#"{"issuer":"https://idp","audience":"","jwks":\#(jwks)}"#, "/audience"),
                (#"{"issuer":"https://idp","audience":"a","emailClaim":"","jwks":\#(jwks)}"#, "/emailClaim"),
            ]
            for (body, pointer) in cases {
                let response = try await configure(client, owner: owner, body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.status) \(response.text)")
                let pointers = (response.object["errors"] as? [[String: Any]])?.compactMap { $0["pointer"] as? String }
                #expect(pointers?.contains(pointer) == true, "\(body): \(response.text)")
            }
            // If-Match when there is nothing to match.
            let nothing = try await client.call(.put, "/v1/sso", auth: owner.authorization, json: """
                {"issuer":"https://idp","audience":"a","jwks":\(jwks)}
                """, headers: ["If-Match": "*"])
            #expect(nothing.status == .preconditionFailed)
            #expect(try await client.call(.get, "/v1/sso", auth: owner.authorization).status == .notFound)
        }
        #expect(try await env.count("sso_configs") == 0)
    }
}
