import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Testing
import TestSupport

/// The delivery hierarchy end to end: portfolio → programme → project, the rule that a
/// parent with children cannot be deleted, and the tenant's working calendar. Real HTTP handling,
/// real PostgreSQL, the app role under row-level security.
@Suite struct HierarchyAPITests {
    // MARK: - Helpers

    /// The JSON pointers a problem names, in order (empty when it names none).
    static func pointers(_ response: TestResponse) -> [String] {
        (response.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    /// The problem `type` of a response.
    static func problem(_ response: TestResponse) -> String? { response.object["type"] as? String }

    /// The `name` of every item of a page, in order.
    static func names(_ response: TestResponse) -> [String] {
        (response.object["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// A field that is absent or JSON null (the generated encoder leaves nil out).
    static func isAbsent(_ value: Any?) -> Bool { value == nil || value is NSNull }

    // MARK: - Portfolios

    @Test func portfolioCRUDPagesInCreationOrderAndRefusesBadWrites() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("hier-a")
        try await env.withApp { client in
            let created = try await client.call(.post, "/v1/portfolios", auth: a.authorization,
                                                json: #"{"name":"Customer","description":"Everything customer-facing"}"#)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            #expect(created.header("Location") == "/v1/portfolios/\(id)")
            #expect(created.header("ETag") == "\"1\"")
            #expect(created.object["version"] as? Int == 1)
            #expect(created.object["description"] as? String == "Everything customer-facing")

            let fetched = try await client.call(.get, "/v1/portfolios/\(id)", auth: a.authorization)
            #expect(fetched.status == .ok)
            #expect(fetched.object["name"] as? String == "Customer")
            #expect(fetched.header("ETag") == "\"1\"")
            // Path ids are matched as UUIDs, so the upper-case spelling names the same portfolio.
            #expect(try await client.call(.get, "/v1/portfolios/\(id.uppercased())", auth: a.authorization).status == .ok)

            // Paging: three portfolios, two per page, oldest first; the last page has no cursor.
            for name in ["Operations", "Finance"] {
                let more = try await client.call(.post, "/v1/portfolios", auth: a.authorization, json: #"{"name":"\#(name)"}"#)
                #expect(more.status == .created)
            }
            let first = try await client.call(.get, "/v1/portfolios?limit=2", auth: a.authorization)
            #expect(first.status == .ok)
            #expect(Self.names(first) == ["Customer", "Operations"])
            let cursor = try #require(first.object["nextCursor"] as? String)
            let second = try await client.call(.get, "/v1/portfolios?limit=2&cursor=\(cursor)", auth: a.authorization)
            #expect(second.status == .ok)
            #expect(Self.names(second) == ["Finance"])
            #expect(second.object["nextCursor"] == nil, "the last page has no cursor")
            let everything = try await client.call(.get, "/v1/portfolios", auth: a.authorization)
            #expect(Self.names(everything) == ["Customer", "Operations", "Finance"])
            #expect(everything.object["nextCursor"] == nil)
            // Paging parameters are checked (400, not a silently clamped page).
            let badLimit = try await client.call(.get, "/v1/portfolios?limit=0", auth: a.authorization)
            #expect(badLimit.status == .badRequest)
            #expect(Self.pointers(badLimit) == ["/limit"])
            #expect(try await client.call(.get, "/v1/portfolios?cursor=nonsense", auth: a.authorization).status == .badRequest)

            // Merge patch: name and description change together, one version bump.
            let patched = try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization,
                                                json: #"{"name":"Customer & digital","description":"Front office"}"#,
                                                headers: ["If-Match": "\"1\""])
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.object["name"] as? String == "Customer & digital")
            #expect(patched.object["description"] as? String == "Front office")
            #expect(patched.object["version"] as? Int == 2)
            #expect(patched.header("ETag") == "\"2\"")
            // A patch that changes nothing keeps the version (no phantom write).
            let same = try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization,
                                             json: #"{"name":"Customer & digital"}"#)
            #expect(same.status == .ok)
            #expect(same.header("ETag") == "\"2\"")

            // A stale If-Match is 412 and writes nothing.
            let stale = try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization,
                                              json: #"{"name":"Lost update"}"#, headers: ["If-Match": "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(Self.problem(stale) == "/problems/stale-version")
            let afterStale = try await client.call(.get, "/v1/portfolios/\(id)", auth: a.authorization)
            #expect(afterStale.object["name"] as? String == "Customer & digital")
            #expect(afterStale.header("ETag") == "\"2\"")

            // Names are unique in the tenant, on create and on rename.
            let duplicate = try await client.call(.post, "/v1/portfolios", auth: a.authorization, json: #"{"name":"Finance"}"#)
            #expect(duplicate.status == .conflict)
            #expect(Self.problem(duplicate) == "/problems/duplicate")
            #expect(Self.pointers(duplicate) == ["/name"])
            let renameClash = try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization, json: #"{"name":"Finance"}"#)
            #expect(renameClash.status == .conflict)
            #expect(Self.problem(renameClash) == "/problems/duplicate")

            // Field rules: each refusal is 422 with the offending field's pointer.
            let longest = String(repeating: "d", count: 10_000)
            let cases: [(String, String)] = [
                (#"{"name":"   "}"#, "/name"),
                (#"{"name":"Bell\u0007ringer"}"#, "/name"),
                (#"{"name":"Line\nbreak"}"#, "/name"),
                (#"{"name":"\#(String(repeating: "n", count: 201))"}"#, "/name"),
                (#"{"name":"Too long","description":"\#(longest)x"}"#, "/description"),
                (#"{"name":"Blank description","description":" "}"#, "/description"),
                // PostgreSQL text cannot hold NUL: refused here rather than failing in the database (500).
                (#"{"name":"Nul","description":"a\u0000b"}"#, "/description"),
            ]
            for (body, pointer) in cases {
                let refused = try await client.call(.post, "/v1/portfolios", auth: a.authorization, json: body)
                #expect(refused.status.code == 422, "\(body.prefix(60)): \(refused.text.prefix(300))")
                #expect(Self.problem(refused) == "/problems/validation", "\(body.prefix(60))")
                #expect(Self.pointers(refused) == [pointer], "\(body.prefix(60))")
            }
            // The limits are inclusive: exactly 10,000 characters of description is accepted.
            let atLimit = try await client.call(.post, "/v1/portfolios", auth: a.authorization,
                                                json: #"{"name":"Long story","description":"\#(longest)"}"#)
            #expect(atLimit.status == .created, "\(atLimit.text.prefix(300))")
            // The same rules apply to a patch; a refused patch changes nothing.
            let badPatch = try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization,
                                                 json: #"{"name":"\t","description":"\#(longest)x"}"#)
            #expect(badPatch.status.code == 422)
            #expect(Self.pointers(badPatch) == ["/name", "/description"], "every offending field at once")
            let nullName = try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization, json: #"{"name":null}"#)
            #expect(nullName.status.code == 422)
            #expect(Self.pointers(nullName) == ["/name"])
            // A null description clears it (merge patch).
            let cleared = try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization, json: #"{"description":null}"#)
            #expect(cleared.status == .ok)
            #expect(Self.isAbsent(cleared.object["description"]))
            #expect(cleared.object["name"] as? String == "Customer & digital")
            #expect(cleared.header("ETag") == "\"3\"")

            // Delete: a stale If-Match is 412; then 204, and the portfolio is gone.
            let staleDelete = try await client.call(.delete, "/v1/portfolios/\(id)", auth: a.authorization,
                                                    headers: ["If-Match": "\"2\""])
            #expect(staleDelete.status == .preconditionFailed)
            let deleted = try await client.call(.delete, "/v1/portfolios/\(id)", auth: a.authorization,
                                                headers: ["If-Match": "\"3\""])
            #expect(deleted.status == .noContent)
            let gone = try await client.call(.get, "/v1/portfolios/\(id)", auth: a.authorization)
            #expect(gone.status == .notFound)
            #expect(Self.problem(gone) == "/problems/not-found")
            #expect(try await client.call(.delete, "/v1/portfolios/\(id)", auth: a.authorization).status == .notFound)
            #expect(try await client.call(.patch, "/v1/portfolios/\(id)", auth: a.authorization,
                                          json: #"{"name":"Ghost"}"#).status == .notFound)
            // A path id that is no UUID names nothing: 404 like an unknown id, never 400 or 500.
            let notAnID = try await client.call(.get, "/v1/portfolios/not-a-uuid", auth: a.authorization)
            #expect(notAnID.status == .notFound)
            #expect(Self.problem(notAnID) == "/problems/not-found")
            #expect(try await client.call(.get, "/v1/portfolios/\(UUID())", auth: a.authorization).status == .notFound)
            #expect(try await client.call(.delete, "/v1/portfolios/42", auth: a.authorization).status == .notFound)
            #expect(Self.names(try await client.call(.get, "/v1/portfolios", auth: a.authorization))
                    == ["Operations", "Finance", "Long story"])
        }
        #expect(try await env.count("portfolios", tenant: a.tenant.id) == 3)
        // Refused and no-op writes leave no audit trail.
        #expect(try await env.auditOperations(tenant: a.tenant.id) == [
            "createPortfolio", "createPortfolio", "createPortfolio", "createPortfolio", "deletePortfolio",
            "updatePortfolio", "updatePortfolio"])
    }

    // MARK: - Programmes

    @Test func programmesKeepTheirWorkstreamsAndReferenceOnlyTheTenantsPortfolios() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("hier-b")
        let b = try await env.createTenant("hier-b-other")
        try await env.withApp { client in
            let portfolio = try await client.call(.post, "/v1/portfolios", auth: a.authorization, json: #"{"name":"Customer"}"#)
            let portfolioID = try #require(portfolio.object["id"] as? String)
            let foreign = try await client.call(.post, "/v1/portfolios", auth: b.authorization, json: #"{"name":"B's"}"#)
            let foreignID = try #require(foreign.object["id"] as? String)

            let created = try await client.call(.post, "/v1/programmes", auth: a.authorization, json: """
                {"name":"Contact centre","portfolioId":"\(portfolioID)","description":"Omnichannel",
                 "workstreams":[{"name":"Customer experience","description":"NPS +10"},{"name":"Opex reduction"},
                                {"name":"Agent tooling"}]}
                """)
            #expect(created.status == .created, "\(created.text)")
            let programmeID = try #require(created.object["id"] as? String)
            #expect(created.header("Location") == "/v1/programmes/\(programmeID)")
            #expect(created.header("ETag") == "\"1\"")
            #expect(created.object["portfolioId"] as? String == portfolioID)
            let workstreams = try #require(created.object["workstreams"] as? [[String: Any]])
            #expect(workstreams.compactMap { $0["name"] as? String } == ["Customer experience", "Opex reduction", "Agent tooling"],
                    "workstreams keep the order they were given in")
            #expect(workstreams.first?["description"] as? String == "NPS +10")
            #expect(Self.isAbsent(workstreams[1]["description"]))
            let fetched = try await client.call(.get, "/v1/programmes/\(programmeID)", auth: a.authorization)
            #expect(fetched.status == .ok)
            #expect((fetched.object["workstreams"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                    == ["Customer experience", "Opex reduction", "Agent tooling"])

            // A standalone programme (no portfolio) has an empty workstream list, not a missing one.
            let standalone = try await client.call(.post, "/v1/programmes", auth: a.authorization, json: #"{"name":"Back office"}"#)
            #expect(standalone.status == .created)
            #expect((standalone.object["workstreams"] as? [Any])?.isEmpty == true)
            #expect(Self.isAbsent(standalone.object["portfolioId"]))

            // portfolioId must name one of this tenant's portfolios; another tenant's is as unknown as a random one.
            // Workstreams: names unique within the programme, at most 50 of them, descriptions up to 2,000 characters.
            let fiftyOne = (0..<51).map { #"{"name":"W\#($0)"}"# }.joined(separator: ",")
            let wordy = String(repeating: "w", count: 2001)
            let refusals: [(String, [String])] = [
                (#"{"name":"Orphan","portfolioId":"\#(UUID().uuidString.lowercased())"}"#, ["/portfolioId"]),
                (#"{"name":"Trespasser","portfolioId":"\#(foreignID)"}"#, ["/portfolioId"]),
                (#"{"name":"Garbled","portfolioId":"not-a-uuid"}"#, ["/portfolioId"]),
                (#"{"name":"Twins","workstreams":[{"name":"Same"},{"name":"Same"}]}"#, ["/workstreams/1/name"]),
                (#"{"name":"Blank stream","workstreams":[{"name":"Fine"},{"name":"  "}]}"#, ["/workstreams/1/name"]),
                (#"{"name":"Crowded","workstreams":[\#(fiftyOne)]}"#, ["/workstreams"]),
                (#"{"name":"Wordy","workstreams":[{"name":"A","description":"\#(wordy)"}]}"#, ["/workstreams/0/description"]),
                (#"{"name":" "}"#, ["/name"]),
            ]
            for (body, pointers) in refusals {
                let refused = try await client.call(.post, "/v1/programmes", auth: a.authorization, json: body)
                #expect(refused.status.code == 422, "\(body.prefix(80)): \(refused.text.prefix(300))")
                #expect(Self.problem(refused) == "/problems/validation", "\(body.prefix(80))")
                #expect(Self.pointers(refused) == pointers, "\(body.prefix(80))")
            }
            let duplicate = try await client.call(.post, "/v1/programmes", auth: a.authorization, json: #"{"name":"Back office"}"#)
            #expect(duplicate.status == .conflict)
            #expect(Self.problem(duplicate) == "/problems/duplicate")

            // The list filters by portfolio; a portfolioId that is no UUID is a malformed query (400).
            let all = try await client.call(.get, "/v1/programmes", auth: a.authorization)
            #expect(Self.names(all) == ["Contact centre", "Back office"])
            let inPortfolio = try await client.call(.get, "/v1/programmes?portfolioId=\(portfolioID)", auth: a.authorization)
            #expect(inPortfolio.status == .ok)
            #expect(Self.names(inPortfolio) == ["Contact centre"])
            let badFilter = try await client.call(.get, "/v1/programmes?portfolioId=nope", auth: a.authorization)
            #expect(badFilter.status == .badRequest)
            #expect(Self.pointers(badFilter) == ["/portfolioId"])
            // Another tenant's portfolio filters to nothing (row-level security, not an error that leaks existence).
            let foreignFilter = try await client.call(.get, "/v1/programmes?portfolioId=\(foreignID)", auth: a.authorization)
            #expect(foreignFilter.status == .ok)
            #expect(Self.names(foreignFilter) == [])

            // Patch: an unknown portfolio is 422 and changes nothing; null detaches it.
            let unknownMove = try await client.call(.patch, "/v1/programmes/\(programmeID)", auth: a.authorization,
                                                    json: #"{"portfolioId":"\#(UUID().uuidString)"}"#)
            #expect(unknownMove.status.code == 422, "\(unknownMove.text)")
            #expect(Self.pointers(unknownMove) == ["/portfolioId"])
            let detached = try await client.call(.patch, "/v1/programmes/\(programmeID)", auth: a.authorization,
                                                 json: #"{"portfolioId":null}"#, headers: ["If-Match": "\"1\""])
            #expect(detached.status == .ok, "\(detached.text)")
            #expect(Self.isAbsent(detached.object["portfolioId"]))
            #expect(detached.header("ETag") == "\"2\"")
            #expect((detached.object["workstreams"] as? [Any])?.count == 3, "a patch leaves the fields it does not name")
            #expect(Self.names(try await client.call(.get, "/v1/programmes?portfolioId=\(portfolioID)", auth: a.authorization)) == [])

            // Fields that may be left out but not cleared: null is 422, and nothing changes.
            for body in [#"{"name":null}"#, #"{"workstreams":null}"#] {
                let refused = try await client.call(.patch, "/v1/programmes/\(programmeID)", auth: a.authorization, json: body)
                #expect(refused.status.code == 422, "\(body): \(refused.text)")
                #expect(Self.pointers(refused) == [body.contains("name") ? "/name" : "/workstreams"], "\(body)")
            }
            let rename = try await client.call(.patch, "/v1/programmes/\(programmeID)", auth: a.authorization,
                                               json: #"{"name":"Back office"}"#)
            #expect(rename.status == .conflict)
            #expect(Self.problem(rename) == "/problems/duplicate")
            let stale = try await client.call(.patch, "/v1/programmes/\(programmeID)", auth: a.authorization,
                                              json: #"{"name":"Too late"}"#, headers: ["If-Match": "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(Self.problem(stale) == "/problems/stale-version")
            let unchanged = try await client.call(.get, "/v1/programmes/\(programmeID)", auth: a.authorization)
            #expect(unchanged.object["name"] as? String == "Contact centre")
            #expect(unchanged.header("ETag") == "\"2\"")

            // Replacing the workstreams replaces the list (reordered, one dropped).
            let restreamed = try await client.call(.patch, "/v1/programmes/\(programmeID)", auth: a.authorization,
                                                   json: #"{"workstreams":[{"name":"Opex reduction"},{"name":"Customer experience"}]}"#)
            #expect(restreamed.status == .ok)
            #expect((restreamed.object["workstreams"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                    == ["Opex reduction", "Customer experience"])
            #expect(restreamed.header("ETag") == "\"3\"")
            #expect(try await client.call(.get, "/v1/programmes/not-a-uuid", auth: a.authorization).status == .notFound)
        }
        #expect(try await env.count("programmes", tenant: a.tenant.id) == 2)
        #expect(try await env.count("programmes", tenant: b.tenant.id) == 0)
    }

    // MARK: - Deleting parents

    @Test func aParentThatStillHasChildrenCannotBeDeleted() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("hier-c")
        try await env.withApp { client in
            let portfolio = try await client.call(.post, "/v1/portfolios", auth: a.authorization, json: #"{"name":"Customer"}"#)
            let portfolioID = try #require(portfolio.object["id"] as? String)
            let programme = try await client.call(.post, "/v1/programmes", auth: a.authorization,
                                                  json: #"{"name":"Contact centre","portfolioId":"\#(portfolioID)"}"#)
            let programmeID = try #require(programme.object["id"] as? String)

            // The portfolio holds a programme: 409 has-children, and it is still there.
            let portfolioRefused = try await client.call(.delete, "/v1/portfolios/\(portfolioID)", auth: a.authorization)
            #expect(portfolioRefused.status == .conflict, "\(portfolioRefused.text)")
            #expect(Self.problem(portfolioRefused) == "/problems/has-children")
            #expect((portfolioRefused.object["detail"] as? String)?.contains("programmes") == true)
            #expect(try await client.call(.get, "/v1/portfolios/\(portfolioID)", auth: a.authorization).status == .ok)

            // The programme holds a project: 409 too.
            let project = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                                json: #"{"code":"CC-1","name":"IVR","currency":"GBP","programmeId":"\#(programmeID)"}"#)
            #expect(project.status == .created, "\(project.text)")
            #expect(project.object["programmeId"] as? String == programmeID)
            let programmeRefused = try await client.call(.delete, "/v1/programmes/\(programmeID)", auth: a.authorization,
                                                         headers: ["If-Match": "\"1\""])
            #expect(programmeRefused.status == .conflict, "\(programmeRefused.text)")
            #expect(Self.problem(programmeRefused) == "/problems/has-children")
            #expect((programmeRefused.object["detail"] as? String)?.contains("projects") == true)
            let stillThere = try await client.call(.get, "/v1/programmes/\(programmeID)", auth: a.authorization)
            #expect(stillThere.status == .ok)
            #expect(stillThere.header("ETag") == "\"1\"")

            // Moving the project out frees the programme; the programme's deletion frees the portfolio.
            let movedOut = try await client.call(.patch, "/v1/projects/CC-1", auth: a.authorization, json: #"{"programmeId":null}"#)
            #expect(movedOut.status == .ok, "\(movedOut.text)")
            #expect(Self.isAbsent(movedOut.object["programmeId"]))
            #expect(movedOut.object["version"] as? Int == 2)
            #expect(try await client.call(.delete, "/v1/portfolios/\(portfolioID)", auth: a.authorization).status == .conflict,
                    "the programme still belongs to the portfolio")
            #expect(try await client.call(.delete, "/v1/programmes/\(programmeID)", auth: a.authorization).status == .noContent)
            #expect(try await client.call(.get, "/v1/programmes/\(programmeID)", auth: a.authorization).status == .notFound)
            #expect(try await client.call(.delete, "/v1/portfolios/\(portfolioID)", auth: a.authorization).status == .noContent)
            #expect(try await client.call(.get, "/v1/projects/CC-1", auth: a.authorization).status == .ok, "the project outlives them")
        }
        #expect(try await env.count("portfolios", tenant: a.tenant.id) == 0)
        #expect(try await env.count("programmes", tenant: a.tenant.id) == 0)
        #expect(try await env.count("projects", tenant: a.tenant.id) == 1)
        // The refused deletions are not audited.
        #expect(try await env.auditOperations(tenant: a.tenant.id) == [
            "createPortfolio", "createProgramme", "createProject", "deletePortfolio", "deleteProgramme", "updateProject"])
    }

    // MARK: - Projects in programmes

    @Test func projectsBelongToAtMostOneProgrammeOfTheirTenant() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("hier-d")
        let b = try await env.createTenant("hier-d-other")
        try await env.withApp { client in
            let first = try await client.call(.post, "/v1/programmes", auth: a.authorization, json: #"{"name":"Contact centre"}"#)
            let firstID = try #require(first.object["id"] as? String)
            let second = try await client.call(.post, "/v1/programmes", auth: a.authorization, json: #"{"name":"Back office"}"#)
            let secondID = try #require(second.object["id"] as? String)
            let foreign = try await client.call(.post, "/v1/programmes", auth: b.authorization, json: #"{"name":"B's"}"#)
            let foreignID = try #require(foreign.object["id"] as? String)

            let placements: [(String, String?)] = [("P-1", firstID), ("P-2", secondID), ("P-3", nil), ("P-4", firstID)]
            for (code, programme) in placements {
                let link = programme.map { #","programmeId":"\#($0)""# } ?? ""
                let created = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                                    json: #"{"code":"\#(code)","name":"\#(code)","currency":"EUR"\#(link)}"#)
                #expect(created.status == .created, "\(code): \(created.text)")
                #expect(created.object["programmeId"] as? String == programme, "\(code)")
            }
            let byCode = try await client.call(.get, "/v1/projects/P-4", auth: a.authorization)
            #expect(byCode.object["programmeId"] as? String == firstID, "single reads carry the programme")

            // The filter lists only that programme's projects, and pages within it.
            let codes = { (response: TestResponse) in
                (response.object["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            }
            let inFirst = try await client.call(.get, "/v1/projects?programmeId=\(firstID)", auth: a.authorization)
            #expect(inFirst.status == .ok)
            #expect(codes(inFirst) == ["P-1", "P-4"])
            let page = try await client.call(.get, "/v1/projects?programmeId=\(firstID)&limit=1", auth: a.authorization)
            #expect(codes(page) == ["P-1"])
            let cursor = try #require(page.object["nextCursor"] as? String)
            let rest = try await client.call(.get, "/v1/projects?programmeId=\(firstID)&limit=1&cursor=\(cursor)", auth: a.authorization)
            #expect(codes(rest) == ["P-4"])
            #expect(rest.object["nextCursor"] == nil)
            #expect(codes(try await client.call(.get, "/v1/projects?programmeId=\(secondID)", auth: a.authorization)) == ["P-2"])
            #expect(codes(try await client.call(.get, "/v1/projects", auth: a.authorization)) == ["P-1", "P-2", "P-3", "P-4"])
            #expect(codes(try await client.call(.get, "/v1/projects?programmeId=\(firstID)&status=active", auth: a.authorization)) == [])
            let emptyProgramme = try await client.call(.get, "/v1/projects?programmeId=\(UUID())", auth: a.authorization)
            #expect(emptyProgramme.status == .ok)
            #expect(codes(emptyProgramme) == [])
            let badFilter = try await client.call(.get, "/v1/projects?programmeId=nope", auth: a.authorization)
            #expect(badFilter.status == .badRequest)
            #expect(Self.pointers(badFilter) == ["/programmeId"])

            // An unknown programme (random, another tenant's, or no UUID at all) is 422 and creates nothing.
            for programme in [UUID().uuidString.lowercased(), foreignID, "not-a-uuid"] {
                let refused = try await client.call(.post, "/v1/projects", auth: a.authorization,
                                                    json: #"{"code":"X-1","name":"X","currency":"EUR","programmeId":"\#(programme)"}"#)
                #expect(refused.status.code == 422, "\(programme): \(refused.text)")
                #expect(Self.problem(refused) == "/problems/validation")
                #expect(Self.pointers(refused) == ["/programmeId"], "\(programme)")
            }
            #expect(try await client.call(.get, "/v1/projects/X-1", auth: a.authorization).status == .notFound)

            // The same on a patch, which then changes nothing.
            for programme in [UUID().uuidString.lowercased(), foreignID, "not-a-uuid"] {
                let refused = try await client.call(.patch, "/v1/projects/P-3", auth: a.authorization,
                                                    json: #"{"programmeId":"\#(programme)","name":"Renamed"}"#)
                #expect(refused.status.code == 422, "\(programme): \(refused.text)")
                #expect(Self.pointers(refused) == ["/programmeId"], "\(programme)")
            }
            let untouched = try await client.call(.get, "/v1/projects/P-3", auth: a.authorization)
            #expect(untouched.header("ETag") == "\"1\"")
            #expect(untouched.object["name"] as? String == "P-3")
            #expect(Self.isAbsent(untouched.object["programmeId"]))

            // Moving a project between programmes moves it between the filtered lists.
            let moved = try await client.call(.patch, "/v1/projects/P-1", auth: a.authorization,
                                              json: #"{"programmeId":"\#(secondID)"}"#, headers: ["If-Match": "\"1\""])
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(moved.object["programmeId"] as? String == secondID)
            #expect(moved.header("ETag") == "\"2\"")
            #expect(codes(try await client.call(.get, "/v1/projects?programmeId=\(firstID)", auth: a.authorization)) == ["P-4"])
            #expect(codes(try await client.call(.get, "/v1/projects?programmeId=\(secondID)", auth: a.authorization)) == ["P-1", "P-2"])
        }
        #expect(try await env.count("projects", tenant: a.tenant.id) == 4)
        #expect(try await env.count("projects", tenant: b.tenant.id) == 0)
    }

    // MARK: - Calendar

    @Test func theCalendarDefaultsToAWorkingWeekAndRefusesImpossibleDays() async throws {
        let env = try await TestEnvironment()
        let a = try await env.createTenant("hier-e")
        try await env.withApp { client in
            // Never set: Monday to Friday, no holidays, version 0.
            let initial = try await client.call(.get, "/v1/calendar", auth: a.authorization)
            #expect(initial.status == .ok)
            #expect(initial.object["workingWeekdays"] as? [Int] == [1, 2, 3, 4, 5])
            #expect(initial.object["holidays"] as? [String] == [])
            #expect(initial.object["version"] as? Int == 0)
            #expect(initial.header("ETag") == "\"0\"")
            #expect(Self.isAbsent(initial.object["updatedAt"]))

            // The never-set calendar's ETag "0" is a valid If-Match for the first PUT.
            let body = #"{"workingWeekdays":[1,2,3,4],"holidays":["2026-12-25","2026-12-24"]}"#
            let set = try await client.call(.put, "/v1/calendar", auth: a.authorization, json: body,
                                            headers: ["If-Match": "\"0\""])
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.object["workingWeekdays"] as? [Int] == [1, 2, 3, 4])
            #expect(set.object["holidays"] as? [String] == ["2026-12-24", "2026-12-25"], "holidays come back ascending")
            #expect(set.object["version"] as? Int == 1)
            #expect(set.header("ETag") == "\"1\"")
            #expect(set.object["updatedAt"] as? String != nil)
            let read = try await client.call(.get, "/v1/calendar", auth: a.authorization)
            #expect(read.object["holidays"] as? [String] == ["2026-12-24", "2026-12-25"])
            #expect(read.header("ETag") == "\"1\"")

            // Putting the same calendar again (even in another order) is not a change.
            let again = try await client.call(.put, "/v1/calendar", auth: a.authorization,
                                              json: #"{"workingWeekdays":[4,3,2,1],"holidays":["2026-12-24","2026-12-25"]}"#)
            #expect(again.status == .ok)
            #expect(again.object["version"] as? Int == 1)
            #expect(again.header("ETag") == "\"1\"")

            // Each impossible calendar is 422 naming the field; none of them is stored.
            let tooMany = (0..<1001).map { "\"\(CalendarDate(daysSinceEpoch: 20_000 + $0))\"" }.joined(separator: ",")
            let refusals: [(String, String)] = [
                (#"{"workingWeekdays":[0,1,2]}"#, "/workingWeekdays"),
                (#"{"workingWeekdays":[1,8]}"#, "/workingWeekdays"),
                (#"{"workingWeekdays":[1,1,2]}"#, "/workingWeekdays"),
                (#"{"workingWeekdays":[]}"#, "/workingWeekdays"),
                (#"{"workingWeekdays":[1],"holidays":["2026-02-30"]}"#, "/holidays/0"),
                (#"{"workingWeekdays":[1],"holidays":["2026-01-01","25/12/2026"]}"#, "/holidays/1"),
                (#"{"workingWeekdays":[1],"holidays":["2026-12-25","2026-12-25"]}"#, "/holidays/1"),
                (#"{"workingWeekdays":[1],"holidays":[\#(tooMany)]}"#, "/holidays"),
            ]
            for (body, pointer) in refusals {
                let refused = try await client.call(.put, "/v1/calendar", auth: a.authorization, json: body)
                #expect(refused.status.code == 422, "\(body.prefix(80)): \(refused.text.prefix(300))")
                #expect(Self.problem(refused) == "/problems/validation", "\(body.prefix(80))")
                #expect(Self.pointers(refused) == [pointer], "\(body.prefix(80))")
            }
            // workingWeekdays is required: leaving it out is a malformed body (400), not a reset.
            let missing = try await client.call(.put, "/v1/calendar", auth: a.authorization, json: #"{"holidays":[]}"#)
            #expect(missing.status == .badRequest)

            // A stale If-Match is 412; the current one writes.
            let stale = try await client.call(.put, "/v1/calendar", auth: a.authorization,
                                              json: #"{"workingWeekdays":[1,2,3,4,5,6]}"#, headers: ["If-Match": "\"0\""])
            #expect(stale.status == .preconditionFailed)
            #expect(Self.problem(stale) == "/problems/stale-version")
            let afterRefusals = try await client.call(.get, "/v1/calendar", auth: a.authorization)
            #expect(afterRefusals.object["workingWeekdays"] as? [Int] == [1, 2, 3, 4])
            #expect(afterRefusals.object["holidays"] as? [String] == ["2026-12-24", "2026-12-25"])
            #expect(afterRefusals.header("ETag") == "\"1\"")
            // Leaving holidays out clears them (PUT replaces the whole calendar).
            let changed = try await client.call(.put, "/v1/calendar", auth: a.authorization,
                                                json: #"{"workingWeekdays":[7,6,1]}"#, headers: ["If-Match": "\"1\""])
            #expect(changed.status == .ok)
            #expect(changed.object["workingWeekdays"] as? [Int] == [1, 6, 7])
            #expect(changed.object["holidays"] as? [String] == [])
            #expect(changed.header("ETag") == "\"2\"")
        }
        #expect(try await env.count("calendars", tenant: a.tenant.id) == 1)
        #expect(try await env.auditOperations(tenant: a.tenant.id) == ["putCalendar", "putCalendar"])
    }

    // MARK: - Roles and audit

    @Test func viewersReadTheHierarchyButOnlyWritersChangeItAndEveryWriteIsAudited() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("hier-f").tenant
        let viewer = try await env.createMember(in: tenant, role: .viewer)
        let manager = try await env.createMember(in: tenant, role: .projectManager)
        try await env.withApp { client in
            let portfolio = try await client.call(.post, "/v1/portfolios", auth: manager.authorization, json: #"{"name":"Customer"}"#)
            #expect(portfolio.status == .created, "\(portfolio.text)")
            let portfolioID = try #require(portfolio.object["id"] as? String)
            let programme = try await client.call(.post, "/v1/programmes", auth: manager.authorization,
                                                  json: #"{"name":"Contact centre","portfolioId":"\#(portfolioID)"}"#)
            let programmeID = try #require(programme.object["id"] as? String)

            // projects:read is enough to read every part of the hierarchy...
            for path in ["/v1/portfolios", "/v1/portfolios/\(portfolioID)", "/v1/programmes",
                         "/v1/programmes/\(programmeID)", "/v1/calendar"] {
                #expect(try await client.call(.get, path, auth: viewer.authorization).status == .ok, "\(path)")
            }
            // ...and no write: each is 403 insufficient-scope before anything is looked at.
            let writes: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/v1/portfolios", #"{"name":"Viewer's"}"#),
                (.patch, "/v1/portfolios/\(portfolioID)", #"{"name":"Viewer's"}"#),
                (.delete, "/v1/portfolios/\(portfolioID)", nil),
                (.post, "/v1/programmes", #"{"name":"Viewer's"}"#),
                (.patch, "/v1/programmes/\(programmeID)", #"{"name":"Viewer's"}"#),
                (.delete, "/v1/programmes/\(programmeID)", nil),
                (.put, "/v1/calendar", #"{"workingWeekdays":[1]}"#),
            ]
            for (method, path, body) in writes {
                let refused = try await client.call(method, path, auth: viewer.authorization, json: body)
                #expect(refused.status == .forbidden, "\(method) \(path): \(refused.text)")
                #expect(Self.problem(refused) == "/problems/insufficient-scope", "\(method) \(path)")
            }
            let names = try await client.call(.get, "/v1/portfolios", auth: viewer.authorization)
            #expect(Self.names(names) == ["Customer"])

            // The manager's writes, each audited once.
            #expect(try await client.call(.patch, "/v1/portfolios/\(portfolioID)", auth: manager.authorization,
                                          json: #"{"description":"Front office"}"#).status == .ok)
            #expect(try await client.call(.patch, "/v1/programmes/\(programmeID)", auth: manager.authorization,
                                          json: #"{"workstreams":[{"name":"Opex"}]}"#).status == .ok)
            #expect(try await client.call(.put, "/v1/calendar", auth: manager.authorization,
                                          json: #"{"workingWeekdays":[1,2,3,4,5],"holidays":["2026-01-01"]}"#).status == .ok)
            #expect(try await client.call(.delete, "/v1/programmes/\(programmeID)", auth: manager.authorization).status == .noContent)
            #expect(try await client.call(.delete, "/v1/portfolios/\(portfolioID)", auth: manager.authorization).status == .noContent)
        }
        #expect(try await env.auditOperations(tenant: tenant.id) == [
            "createPortfolio", "createProgramme", "deletePortfolio", "deleteProgramme", "putCalendar",
            "updatePortfolio", "updateProgramme"])
    }
}
