import Auth
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import PostgresNIO
import Testing
import TestSupport

/// Baselines, actuals and earned value end to end, plus the contract-driven refusal of
/// `null` for fields that may be left out but never cleared. Real HTTP handling, real PostgreSQL, the
/// app role under row-level security. Dates are November 2026: Monday 2, 9, 16, 23 and 30.
@Suite struct ActualsAPITests {
    // MARK: - Helpers

    /// The JSON pointers a problem names, in order (empty when it names none).
    static func pointers(_ response: TestResponse) -> [String] {
        response.errorPointers
    }

    /// The problem `type` of a response.
    static func problem(_ response: TestResponse) -> String? { response.object["type"] as? String }

    /// The objects of an array field of a response (`items` unless told).
    static func rows(_ response: TestResponse, _ key: String = "items") -> [[String: Any]] {
        response.object[key] as? [[String: Any]] ?? []
    }

    /// A field that is absent or JSON null (the generated encoder leaves nil out).
    static func isAbsent(_ value: Any?) -> Bool { value == nil || value is NSNull }

    /// A JSON number within 1e-9 of `expected`.
    static func close(_ value: Any?, _ expected: Double) -> Bool {
        guard let number = value as? Double else { return false }
        return abs(number - expected) < 1e-9
    }

    /// Creates work items in one bulk request (`entries` is the inside of its `items` array); returns
    /// their ids by title.
    static func makeItems(_ client: some TestClientProtocol, _ auth: String, _ project: String,
                          _ entries: String) async throws -> [String: String] {
        let created = try await client.call(.post, "/v1/projects/\(project)/work-items/bulk", auth: auth,
                                            json: #"{"items":[\#(entries)]}"#)
        #expect(created.status == .created, "\(created.text)")
        return Dictionary(uniqueKeysWithValues: rows(created).map { ($0["title"] as? String ?? "", $0["id"] as? String ?? "") })
    }

    /// Creates a project with this code; returns its id.
    static func makeProject(_ client: some TestClientProtocol, _ auth: String, _ code: String) async throws -> String {
        let created = try await client.call(.post, "/v1/projects", auth: auth,
                                            json: #"{"code":"\#(code)","name":"Project \#(code)","currency":"EUR"}"#)
        #expect(created.status == .created, "\(created.text)")
        return try #require(created.object["id"] as? String)
    }

    // MARK: - Baselines

    @Test func aBaselineSnapshotsThePlanAndVarianceCountsWorkingDaysAndMinorUnits() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-base")
        let auth = tenant.authorization
        try await env.withApp { client in
            let projectID = try await Self.makeProject(client, auth, "BASE")
            // Three consecutive working weeks: A Mon 2–Fri 6, B Mon 9–Fri 13, C Mon 16–Fri 20 November.
            let id = try await Self.makeItems(client, auth, "BASE", """
                {"title":"A","plannedStart":"2026-11-02","durationDays":5,"budgetedCost":100000},
                {"title":"B","plannedStart":"2026-11-09","durationDays":5,"budgetedCost":200000},
                {"title":"C","plannedStart":"2026-11-16","durationDays":5,"budgetedCost":50000}
                """)

            // The snapshot: every item, BAC = 100000 + 200000 + 50000, earliest start, latest finish.
            let taken = try await client.call(.post, "/v1/projects/BASE/baselines", auth: auth, json: #"{"name":"Contract"}"#)
            #expect(taken.status == .created, "\(taken.text)")
            let contractID = try #require(taken.object["id"] as? String)
            #expect(taken.header("Location") == "/v1/projects/\(projectID)/baselines/\(contractID)")
            #expect(taken.object["projectId"] as? String == projectID && taken.object["name"] as? String == "Contract")
            #expect(taken.object["itemCount"] as? Int == 3)
            #expect(taken.object["budgetAtCompletion"] as? Int == 350_000)
            #expect(taken.object["plannedStart"] as? String == "2026-11-02")
            #expect(taken.object["plannedFinish"] as? String == "2026-11-20")

            // Names are unique in the project: 409 duplicate naming /name; a blank name is 422.
            let duplicate = try await client.call(.post, "/v1/projects/BASE/baselines", auth: auth, json: #"{"name":"Contract"}"#)
            #expect(duplicate.status == .conflict, "\(duplicate.text)")
            #expect(Self.problem(duplicate) == "/problems/duplicate" && Self.pointers(duplicate) == ["/name"])
            let blank = try await client.call(.post, "/v1/projects/BASE/baselines", auth: auth, json: #"{"name":"  "}"#)
            #expect(blank.status == .unprocessableContent && Self.pointers(blank) == ["/name"], "\(blank.text)")

            // The plan changes: C starts a working day later (Tuesday 17; its five days now end on
            // Monday 23, not Friday 20) and costs 15000 more; A goes; D is added, Friday 30 October to
            // Monday 2 November.
            let moved = try await client.call(.patch, "/v1/projects/BASE/work-items/\(id["C"]!)", auth: auth,
                                              json: #"{"plannedStart":"2026-11-17","budgetedCost":65000}"#)
            #expect(moved.status == .ok && moved.object["plannedFinish"] as? String == "2026-11-23", "\(moved.text)")
            #expect(try await client.call(.delete, "/v1/projects/BASE/work-items/\(id["A"]!)", auth: auth).status == .noContent)
            let added = try await client.call(.post, "/v1/projects/BASE/work-items", auth: auth, json: """
                {"title":"D","plannedStart":"2026-10-30","durationDays":2,"budgetedCost":30000}
                """)
            #expect(added.status == .created && added.object["plannedFinish"] as? String == "2026-11-02", "\(added.text)")
            let dID = try #require(added.object["id"] as? String)

            // The baseline itself did not move.
            let kept = try await client.call(.get, "/v1/projects/BASE/baselines/\(contractID)", auth: auth)
            #expect(kept.status == .ok)
            #expect(kept.object["itemCount"] as? Int == 3 && kept.object["budgetAtCompletion"] as? Int == 350_000)
            #expect(kept.object["plannedStart"] as? String == "2026-11-02" && kept.object["plannedFinish"] as? String == "2026-11-20")

            // Project: start Mon 2 → Fri 30 Oct is −1 working day (the weekend between does not count),
            // finish Fri 20 → Mon 23 is +1; cost now B 200000 + C 65000 + D 30000 = 295000, −55000.
            let variance = try await client.call(.get, "/v1/projects/BASE/baselines/\(contractID)/variance", auth: auth)
            #expect(variance.status == .ok, "\(variance.text)")
            #expect((variance.object["baseline"] as? [String: Any])?["id"] as? String == contractID)
            #expect(variance.object["plannedStart"] as? String == "2026-10-30")
            #expect(variance.object["plannedFinish"] as? String == "2026-11-23")
            #expect(variance.object["startVarianceDays"] as? Int == -1)
            #expect(variance.object["finishVarianceDays"] as? Int == 1)
            #expect(variance.object["budgetAtCompletion"] as? Int == 295_000)
            #expect(variance.object["costVariance"] as? Int == -55_000)
            #expect(Self.isAbsent(variance.object["nextCursor"]))
            let items = Self.rows(variance)
            // In work item id order: A, B, C were created before D.
            #expect(items.map { $0["workItemId"] as? String ?? "" } == [id["A"]!, id["B"]!, id["C"]!, dID].sorted())
            let byTitle = Dictionary(uniqueKeysWithValues: items.map { ($0["title"] as? String ?? "", $0) })
            // A was deleted: its baseline values stay, it has no current ones and so no variance.
            let a = try #require(byTitle["A"])
            #expect(a["workItemId"] as? String == id["A"])
            #expect(a["baselineStart"] as? String == "2026-11-02" && a["baselineFinish"] as? String == "2026-11-06")
            #expect(a["baselineCost"] as? Int == 100_000)
            for field in ["currentStart", "currentFinish", "currentCost", "startVarianceDays", "finishVarianceDays", "costVariance"] {
                #expect(Self.isAbsent(a[field]), "A.\(field)")
            }
            // B did not change.
            let b = try #require(byTitle["B"])
            #expect(b["baselineStart"] as? String == "2026-11-09" && b["currentStart"] as? String == "2026-11-09")
            #expect(b["startVarianceDays"] as? Int == 0 && b["finishVarianceDays"] as? Int == 0 && b["costVariance"] as? Int == 0)
            // C: one working day later at both ends (Fri 20 → Mon 23 is +1, not +3), 15000 dearer.
            let c = try #require(byTitle["C"])
            #expect(c["baselineStart"] as? String == "2026-11-16" && c["baselineFinish"] as? String == "2026-11-20")
            #expect(c["currentStart"] as? String == "2026-11-17" && c["currentFinish"] as? String == "2026-11-23")
            #expect(c["startVarianceDays"] as? Int == 1 && c["finishVarianceDays"] as? Int == 1)
            #expect(c["baselineCost"] as? Int == 50_000 && c["currentCost"] as? Int == 65_000 && c["costVariance"] as? Int == 15_000)
            // D is new: current values only.
            let d = try #require(byTitle["D"])
            #expect(d["currentStart"] as? String == "2026-10-30" && d["currentFinish"] as? String == "2026-11-02")
            #expect(d["currentCost"] as? Int == 30_000)
            for field in ["baselineStart", "baselineFinish", "baselineCost", "startVarianceDays", "finishVarianceDays", "costVariance"] {
                #expect(Self.isAbsent(d[field]), "D.\(field)")
            }

            // Items page two at a time; the project's figures cover all of them on every page.
            let first = try await client.call(.get, "/v1/projects/BASE/baselines/\(contractID)/variance?limit=2", auth: auth)
            let cursor = try #require(first.object["nextCursor"] as? String)
            let second = try await client.call(.get, "/v1/projects/BASE/baselines/\(contractID)/variance?limit=2&cursor=\(cursor)",
                                               auth: auth)
            #expect(second.status == .ok && Self.isAbsent(second.object["nextCursor"]))
            #expect((Self.rows(first) + Self.rows(second)).map { $0["workItemId"] as? String ?? "" }
                == items.map { $0["workItemId"] as? String ?? "" })
            #expect(Self.rows(first).count == 2 && Self.rows(second).count == 2)
            #expect(second.object["costVariance"] as? Int == -55_000 && second.object["finishVarianceDays"] as? Int == 1)

            // A second baseline of the new plan: B, C, D; against it nothing varies.
            let replan = try await client.call(.post, "/v1/projects/BASE/baselines", auth: auth, json: #"{"name":"Re-plan"}"#)
            #expect(replan.status == .created)
            #expect(replan.object["itemCount"] as? Int == 3 && replan.object["budgetAtCompletion"] as? Int == 295_000)
            #expect(replan.object["plannedStart"] as? String == "2026-10-30" && replan.object["plannedFinish"] as? String == "2026-11-23")
            let replanID = try #require(replan.object["id"] as? String)
            let none = try await client.call(.get, "/v1/projects/BASE/baselines/\(replanID)/variance", auth: auth)
            #expect(none.object["startVarianceDays"] as? Int == 0 && none.object["finishVarianceDays"] as? Int == 0)
            #expect(none.object["costVariance"] as? Int == 0)
            #expect(Self.rows(none).map { $0["costVariance"] as? Int } == [0, 0, 0])

            // Listed oldest first, and paged.
            let list = try await client.call(.get, "/v1/projects/BASE/baselines", auth: auth)
            #expect(Self.rows(list).map { $0["name"] as? String } == ["Contract", "Re-plan"])
            let page = try await client.call(.get, "/v1/projects/BASE/baselines?limit=1", auth: auth)
            #expect(Self.rows(page).map { $0["id"] as? String } == [contractID])
            let next = try #require(page.object["nextCursor"] as? String)
            let last = try await client.call(.get, "/v1/projects/BASE/baselines?limit=1&cursor=\(next)", auth: auth)
            #expect(Self.rows(last).map { $0["id"] as? String } == [replanID] && Self.isAbsent(last.object["nextCursor"]))

            // Unknown baselines (or projects) are 404.
            let unknown = UUID().uuidString.lowercased()
            #expect(try await client.call(.get, "/v1/projects/BASE/baselines/\(unknown)", auth: auth).status == .notFound)
            #expect(try await client.call(.get, "/v1/projects/BASE/baselines/\(unknown)/variance", auth: auth).status == .notFound)
            #expect(try await client.call(.get, "/v1/projects/NOPE/baselines", auth: auth).status == .notFound)
        }
        // Three items each: A, B, C then B, C, D. The refused duplicate and blank name wrote nothing.
        #expect(try await env.count("baselines", tenant: tenant.tenant.id) == 2)
        #expect(try await env.count("baseline_items", tenant: tenant.tenant.id) == 6)
        #expect(try await env.auditOperations(tenant: tenant.tenant.id).filter { $0 == "createBaseline" }.count == 2)

        // Immutable at the database: the server's role may not rewrite or remove a baseline, even in
        // its own tenant.
        try await env.withApp { (database: Database) in
            let statements: [PostgresQuery] = [
                "update baselines set name = 'Rewritten'", "delete from baselines",
                "update baseline_items set budgeted_cost = 0", "delete from baseline_items",
            ]
            for statement in statements {
                do {
                    try await database.tenantTransaction(tenant.tenant.id) { scope in
                        try await scope.query(statement)
                    }
                    Issue.record("the app role could run: \(statement.sql)")
                } catch let error as PSQLError {
                    #expect(error.sqlState == SQLState.insufficientPrivilege, "\(statement.sql)")
                }
            }
        }
        #expect(try await env.count("baselines", tenant: tenant.tenant.id) == 2)
        #expect(try await env.count("baseline_items", tenant: tenant.tenant.id) == 6)
    }

    // MARK: - Cost entries

    @Test func costEntriesAreBookedValidatedListedAndDeletedAndKeepTheirWorkItem() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-cost")
        let worker = try await env.createMember(in: tenant.tenant, role: .contributor)
        let memberID = worker.member.id.uuidString.lowercased()
        let auth = tenant.authorization
        try await env.withApp { client in
            let projectID = try await Self.makeProject(client, auth, "COST")
            _ = try await Self.makeProject(client, auth, "OTHER")
            let item = try await Self.makeItems(client, auth, "COST", #"{"title":"Survey","budgetedCost":500000}"#)["Survey"]!
            let foreign = try await Self.makeItems(client, auth, "OTHER", #"{"title":"Elsewhere"}"#)["Elsewhere"]!

            // An invoice: an amount only, on the project, by nobody.
            let invoice = try await client.call(.post, "/v1/projects/COST/cost-entries", auth: auth,
                                                json: #"{"date":"2026-11-23","amount":150000,"description":"Invoice 42"}"#)
            #expect(invoice.status == .created, "\(invoice.text)")
            let invoiceID = try #require(invoice.object["id"] as? String)
            #expect(invoice.header("Location") == "/v1/projects/\(projectID)/cost-entries/\(invoiceID)")
            #expect(invoice.object["projectId"] as? String == projectID && invoice.object["date"] as? String == "2026-11-23")
            #expect(invoice.object["amount"] as? Int == 150_000 && invoice.object["description"] as? String == "Invoice 42")
            #expect(Self.isAbsent(invoice.object["hours"]) && Self.isAbsent(invoice.object["memberId"])
                && Self.isAbsent(invoice.object["workItemId"]))
            // A member's day on a work item: hours, no amount (it defaults to 0).
            let day = try await client.call(.post, "/v1/projects/COST/cost-entries", auth: auth, json: """
                {"date":"2026-11-24","hours":7.5,"memberId":"\(memberID)","workItemId":"\(item)"}
                """)
            #expect(day.status == .created, "\(day.text)")
            let dayID = try #require(day.object["id"] as? String)
            #expect(day.object["hours"] as? Double == 7.5 && day.object["amount"] as? Int == 0)
            #expect(day.object["memberId"] as? String == memberID && day.object["workItemId"] as? String == item)
            // A credit note is a negative amount.
            let credit = try await client.call(.post, "/v1/projects/COST/cost-entries", auth: auth,
                                               json: #"{"date":"2026-11-25","amount":-20000}"#)
            #expect(credit.status == .created && credit.object["amount"] as? Int == -20_000, "\(credit.text)")
            let creditID = try #require(credit.object["id"] as? String)
            #expect(try await env.count("cost_entries", tenant: tenant.tenant.id) == 3)

            // Refused input: 422 naming exactly the bad field, and nothing is booked.
            let unknown = UUID().uuidString.lowercased()
            let refusals: [(String, [String])] = [
                (#"{"date":"2026-02-30","amount":100}"#, ["/date"]),
                (#"{"date":"24/11/2026","amount":100}"#, ["/date"]),
                (#"{"date":"2026-11-24","hours":0}"#, ["/hours"]),
                (#"{"date":"2026-11-24","hours":25}"#, ["/hours"]),
                (#"{"date":"2026-11-24","hours":-1,"amount":100}"#, ["/hours"]),
                (#"{"date":"2026-11-24"}"#, ["/amount"]),
                (#"{"date":"2026-11-24","amount":0}"#, ["/amount"]),
                (#"{"date":"2026-11-24","amount":1000000000001}"#, ["/amount"]),
                (#"{"date":"2026-11-24","amount":100,"description":"  "}"#, ["/description"]),
                (#"{"date":"2026-11-24","amount":100,"workItemId":"nope"}"#, ["/workItemId"]),
                (#"{"date":"2026-11-24","amount":100,"workItemId":"\#(unknown)"}"#, ["/workItemId"]),
                // A work item of another project of the same tenant is not one of this project's.
                (#"{"date":"2026-11-24","amount":100,"workItemId":"\#(foreign)"}"#, ["/workItemId"]),
                (#"{"date":"2026-11-24","hours":8,"memberId":"\#(unknown)"}"#, ["/memberId"]),
            ]
            for (body, pointers) in refusals {
                let refused = try await client.call(.post, "/v1/projects/COST/cost-entries", auth: auth, json: body)
                #expect(refused.status == .unprocessableContent, "\(body): \(refused.text)")
                #expect(Self.problem(refused) == "/problems/validation", "\(body)")
                #expect(Self.pointers(refused) == pointers, "\(body): \(refused.text)")
            }
            #expect(try await env.count("cost_entries", tenant: tenant.tenant.id) == 3)

            // Listed oldest first and paged; one entry by id; not through another project.
            let list = try await client.call(.get, "/v1/projects/COST/cost-entries", auth: auth)
            #expect(Self.rows(list).map { $0["id"] as? String } == [invoiceID, dayID, creditID])
            let page = try await client.call(.get, "/v1/projects/COST/cost-entries?limit=2", auth: auth)
            let cursor = try #require(page.object["nextCursor"] as? String)
            let rest = try await client.call(.get, "/v1/projects/COST/cost-entries?limit=2&cursor=\(cursor)", auth: auth)
            #expect(Self.rows(page).count == 2 && Self.rows(rest).map { $0["id"] as? String } == [creditID])
            #expect(Self.isAbsent(rest.object["nextCursor"]))
            let fetched = try await client.call(.get, "/v1/projects/COST/cost-entries/\(dayID)", auth: auth)
            #expect(fetched.status == .ok && fetched.object["hours"] as? Double == 7.5 && fetched.object["workItemId"] as? String == item)
            #expect(try await client.call(.get, "/v1/projects/OTHER/cost-entries/\(dayID)", auth: auth).status == .notFound)
            #expect(try await client.call(.get, "/v1/projects/COST/cost-entries/\(unknown)", auth: auth).status == .notFound)
            #expect(try await client.call(.delete, "/v1/projects/OTHER/cost-entries/\(dayID)", auth: auth).status == .notFound)

            // Actuals are never lost with their work item: it cannot be deleted while they exist.
            let kept = try await client.call(.delete, "/v1/projects/COST/work-items/\(item)", auth: auth)
            #expect(kept.status == .conflict && Self.problem(kept) == "/problems/has-children", "\(kept.text)")
            #expect(try await client.call(.get, "/v1/projects/COST/work-items/\(item)", auth: auth).status == .ok)

            // Delete the entry booked on it: 204, then it is gone (404 for a second delete too), and
            // the work item can go.
            #expect(try await client.call(.delete, "/v1/projects/COST/cost-entries/\(dayID)", auth: auth).status == .noContent)
            #expect(try await client.call(.get, "/v1/projects/COST/cost-entries/\(dayID)", auth: auth).status == .notFound)
            #expect(try await client.call(.delete, "/v1/projects/COST/cost-entries/\(dayID)", auth: auth).status == .notFound)
            #expect(try await client.call(.delete, "/v1/projects/COST/work-items/\(item)", auth: auth).status == .noContent)
            let after = try await client.call(.get, "/v1/projects/COST/cost-entries", auth: auth)
            #expect(Self.rows(after).map { $0["id"] as? String } == [invoiceID, creditID])
        }
        #expect(try await env.count("cost_entries", tenant: tenant.tenant.id) == 2)
        let audited = try await env.auditOperations(tenant: tenant.tenant.id)
        #expect(audited.filter { $0 == "createCostEntry" }.count == 3)
        #expect(audited.filter { $0 == "deleteCostEntry" }.count == 1)
    }

    /// Hours are stored to two decimals. A positive amount of hours that rounds to 0.00 passes the
    /// "more than 0" check but not the table's `hours > 0`: it must be a 422, not a 500.
    @Test func hoursThatRoundToZeroAreRefusedAsInput() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-hours")
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: tenant.authorization,
                                                json: #"{"code":"HRS","name":"Hours","currency":"EUR"}"#)
            #expect(project.status == .created)
            let tiny = try await client.call(.post, "/v1/projects/HRS/cost-entries", auth: tenant.authorization,
                                             json: #"{"date":"2026-11-24","hours":0.001}"#)
            #expect(tiny.status == .unprocessableContent, "\(tiny.text)")
            #expect(Self.pointers(tiny) == ["/hours"], "\(tiny.text)")
        }
        #expect(try await env.count("cost_entries", tenant: tenant.tenant.id) == 0)
    }

    // MARK: - Timesheets

    @Test func aWeeklyTimesheetGathersOnePersonsEntriesOfEveryProjectByDay() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-week")
        let worker = try await env.createMember(in: tenant.tenant, role: .contributor)
        let colleague = try await env.createMember(in: tenant.tenant, role: .contributor)
        let me = worker.member.id.uuidString.lowercased()
        let auth = tenant.authorization
        try await env.withApp { client in
            let alpha = try await Self.makeProject(client, auth, "ALPHA")
            let beta = try await Self.makeProject(client, auth, "BETA")
            func book(_ project: String, _ json: String) async throws {
                let booked = try await client.call(.post, "/v1/projects/\(project)/cost-entries", auth: auth, json: json)
                #expect(booked.status == .created, "\(json): \(booked.text)")
            }
            // ISO week 2026-W48 runs Monday 23 to Sunday 29 November.
            try await book("ALPHA", #"{"date":"2026-11-23","hours":7.5,"amount":60000,"memberId":"\#(me)"}"#)
            try await book("BETA", #"{"date":"2026-11-23","hours":0.5,"amount":4000,"memberId":"\#(me)"}"#)
            try await book("ALPHA", #"{"date":"2026-11-25","hours":8,"amount":64000,"memberId":"\#(me)"}"#)
            try await book("BETA", #"{"date":"2026-11-29","hours":2.25,"memberId":"\#(me)"}"#)
            // Not in it: the Sunday before, the Monday after, a colleague, an invoice of nobody.
            try await book("ALPHA", #"{"date":"2026-11-22","hours":3,"memberId":"\#(me)"}"#)
            try await book("ALPHA", #"{"date":"2026-11-30","hours":4,"memberId":"\#(me)"}"#)
            try await book("ALPHA", #"{"date":"2026-11-24","hours":6,"memberId":"\#(colleague.member.id.uuidString)"}"#)
            try await book("BETA", #"{"date":"2026-11-24","amount":9999}"#)

            let sheet = try await client.call(.get, "/v1/timesheets?memberId=\(me)&week=2026-W48", auth: auth)
            #expect(sheet.status == .ok, "\(sheet.text)")
            #expect(sheet.object["memberId"] as? String == me && sheet.object["week"] as? String == "2026-W48")
            let days = Self.rows(sheet, "days")
            #expect(days.map { $0["date"] as? String ?? "" } == (23...29).map { "2026-11-\($0)" })
            #expect(days.map { $0["hours"] as? Double ?? -1 } == [8, 0, 8, 0, 0, 0, 2.25])
            func projects(_ day: Int) -> [String] {
                (days[day]["entries"] as? [[String: Any]] ?? []).compactMap { $0["projectId"] as? String }
            }
            #expect(Set(projects(0)) == [alpha, beta] && projects(0).count == 2)
            #expect(projects(1).isEmpty && projects(2) == [alpha] && projects(6) == [beta])
            // 7.5 + 0.5 + 8 + 2.25 hours; 60000 + 4000 + 64000 + 0.
            #expect(sheet.object["totalHours"] as? Double == 18.25)
            #expect(sheet.object["totalAmount"] as? Int == 128_000)

            // 2026 has an ISO week 53 (31 December 2026 is a Thursday): Monday 28 December to
            // Sunday 3 January 2027. 2025 has none (its 53rd Monday's Thursday is 1 January 2026).
            let w53 = try await client.call(.get, "/v1/timesheets?memberId=\(me)&week=2026-W53", auth: auth)
            #expect(w53.status == .ok, "\(w53.text)")
            #expect(w53.object["week"] as? String == "2026-W53")
            #expect(Self.rows(w53, "days").map { $0["date"] as? String ?? "" }
                == ["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"])
            #expect(w53.object["totalHours"] as? Double == 0 && w53.object["totalAmount"] as? Int == 0)

            for week in ["2026-W54", "2026-48", "2026-W00", "2026-W4", "W48-2026", "0999-W10"] {
                let bad = try await client.call(.get, "/v1/timesheets?memberId=\(me)&week=\(week)", auth: auth)
                #expect(bad.status == .badRequest, "\(week): \(bad.text)")
                #expect(Self.problem(bad) == "/problems/malformed-request" && Self.pointers(bad) == ["/week"], "\(week): \(bad.text)")
            }
            // Shaped like a week, but 2025 has only 52: the contract's pattern cannot tell, so 422.
            let w53of2025 = try await client.call(.get, "/v1/timesheets?memberId=\(me)&week=2025-W53", auth: auth)
            #expect(w53of2025.status == .unprocessableContent && Self.pointers(w53of2025) == ["/week"], "\(w53of2025.text)")
            // Left out, the week is refused by the generated code before the handler (its pointer is
            // checked in weekInputOutsideTheContractPatternIsRefusedNamingWeek).
            let missing = try await client.call(.get, "/v1/timesheets?memberId=\(me)", auth: auth)
            #expect(missing.status == .badRequest && Self.problem(missing) == "/problems/malformed-request", "\(missing.text)")
            let both = try await client.call(.get, "/v1/timesheets?memberId=nope&week=2026-W99", auth: auth)
            #expect(both.status == .badRequest && Self.pointers(both) == ["/memberId", "/week"], "\(both.text)")
            let stranger = try await client.call(.get, "/v1/timesheets?memberId=\(UUID().uuidString)&week=2026-W48", auth: auth)
            #expect(stranger.status == .notFound && Self.problem(stranger) == "/problems/not-found", "\(stranger.text)")
        }
    }

    /// The contract's week is `^[0-9]{4}-W[0-9]{2}$` and required, and every other refused query
    /// parameter of this API names itself (`/week`, `/memberId`, `/asOf`, `/limit`): a sign is not a
    /// digit, and a missing week should be named too.
    @Test func weekInputOutsideTheContractPatternIsRefusedNamingWeek() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-sign")
        let worker = try await env.createMember(in: tenant.tenant, role: .contributor)
        try await env.withApp { client in
            let me = try await client.call(.get, "/v1/members/me", auth: worker.authorization)
            let memberID = try #require(me.object["id"] as? String)
            // "2026-W+8" and "+026-W48", percent-encoded.
            for query in ["memberId=\(memberID)&week=2026-W%2B8", "memberId=\(memberID)&week=%2B026-W48", "memberId=\(memberID)"] {
                let bad = try await client.call(.get, "/v1/timesheets?\(query)", auth: tenant.authorization)
                #expect(bad.status == .badRequest, "\(query): \(bad.status) \(bad.text)")
                #expect(Self.pointers(bad) == ["/week"], "\(query): \(bad.status) \(bad.text)")
            }
        }
    }

    // MARK: - Earned value

    /// A worked example. Items (percent complete as of now):
    ///
    ///     A  budget 100000  planned Mon 2 – Wed 11 Nov (10 calendar days)  100 %
    ///     B  budget 200000  planned Thu 12 – Mon 23 Nov (12 calendar days)  25 %
    ///     C  budget  60002  no dates                                           0 %
    ///
    /// Cost entries: 3 Nov 40000, 10 Nov 50000, 16 Nov 22500, and 17 Nov 99999 (after asOf).
    /// As of Monday 16 November (PV spreads each budget per calendar day, inclusive, truncated):
    ///
    ///     BAC  = 100000 + 200000 + 60002                        = 360002
    ///     PV   = 100000 + ⌊200000 × 5/12⌋ (12th–16th) + 0         = 183333
    ///     EV   = 100000 + 200000 × 25 % + 0                     = 150000
    ///     AC   = 40000 + 50000 + 22500 (the 17th does not count) = 112500
    ///     SV   = EV − PV = −33333          CV  = EV − AC = 37500
    ///     SPI  = 150000 / 183333           CPI = 150000 / 112500 = 4/3
    ///     EAC  = BAC / CPI = 360002 × 112500 / 150000 = 270001.5 → 270002 (half away from zero)
    ///     ETC  = EAC − AC = 157502         VAC = BAC − EAC = 90000
    ///     TCPI = (BAC − EV) / (BAC − AC) = 210002 / 247502
    ///
    /// Weekly series (Sundays, cumulative; the last point counts nothing after asOf):
    ///
    ///     Sun  8 Nov  PV 70000 (A 7/10)              AC 40000
    ///     Sun 15 Nov  PV 166666 (A + ⌊200000 × 4/12⌋)  AC 90000
    ///     Sun 22 Nov  PV 183333 (to the 16th)         AC 112500    EV 150000 at every point
    @Test func earnedValueFollowsTheWorkedExample() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-evm")
        let auth = tenant.authorization
        try await env.withApp { client in
            let projectID = try await Self.makeProject(client, auth, "EVM")
            _ = try await Self.makeItems(client, auth, "EVM", """
                {"title":"A","plannedStart":"2026-11-02","plannedFinish":"2026-11-11","budgetedCost":100000,"percentComplete":100},
                {"title":"B","plannedStart":"2026-11-12","plannedFinish":"2026-11-23","budgetedCost":200000,"percentComplete":25},
                {"title":"C","budgetedCost":60002}
                """)
            for (date, amount) in [("2026-11-03", 40000), ("2026-11-10", 50000), ("2026-11-16", 22500), ("2026-11-17", 99999)] {
                let booked = try await client.call(.post, "/v1/projects/EVM/cost-entries", auth: auth,
                                                   json: #"{"date":"\#(date)","amount":\#(amount)}"#)
                #expect(booked.status == .created, "\(booked.text)")
            }

            // The project named by id rather than code: the same figures.
            let ev = try await client.call(.get, "/v1/projects/\(projectID)/earned-value?asOf=2026-11-16", auth: auth)
            #expect(ev.status == .ok, "\(ev.text)")
            let f = ev.object
            #expect(f["asOf"] as? String == "2026-11-16" && f["currency"] as? String == "EUR")
            #expect(f["bac"] as? Int == 360_002)
            #expect(f["pv"] as? Int == 183_333)
            #expect(f["ev"] as? Int == 150_000)
            #expect(f["ac"] as? Int == 112_500)
            #expect(f["sv"] as? Int == -33_333)
            #expect(f["cv"] as? Int == 37_500)
            #expect(Self.close(f["spi"], 150_000.0 / 183_333.0), "spi \(f["spi"] ?? "nil")")
            #expect(Self.close(f["cpi"], 4.0 / 3.0), "cpi \(f["cpi"] ?? "nil")")
            #expect(f["eac"] as? Int == 270_002)
            #expect(f["etc"] as? Int == 157_502)
            #expect(f["vac"] as? Int == 90_000)
            #expect(Self.close(f["tcpi"], 210_002.0 / 247_502.0), "tcpi \(f["tcpi"] ?? "nil")")

            let series = Self.rows(ev, "series")
            #expect(series.map { $0["weekEnding"] as? String ?? "" } == ["2026-11-08", "2026-11-15", "2026-11-22"])
            #expect(series.map { $0["pv"] as? Int ?? -1 } == [70_000, 166_666, 183_333])
            #expect(series.map { $0["ac"] as? Int ?? -1 } == [40_000, 90_000, 112_500])
            #expect(series.map { $0["ev"] as? Int ?? -1 } == [150_000, 150_000, 150_000])

            // A day later the 17th's 99999 counts: AC 212499, and B has 6 of its 12 days planned.
            let later = try await client.call(.get, "/v1/projects/EVM/earned-value?asOf=2026-11-17", auth: auth)
            #expect(later.object["ac"] as? Int == 212_499 && later.object["pv"] as? Int == 200_000)
            #expect(Self.rows(later, "series").last?["ac"] as? Int == 212_499)

            for bad in ["2026-02-30", "16%2F11%2F2026", "yesterday", ""] {
                let refused = try await client.call(.get, "/v1/projects/EVM/earned-value?asOf=\(bad)", auth: auth)
                #expect(refused.status == .badRequest, "\(bad): \(refused.text)")
                #expect(Self.pointers(refused) == ["/asOf"], "\(bad): \(refused.text)")
            }
            #expect(try await client.call(.get, "/v1/projects/NOPE/earned-value", auth: auth).status == .notFound)
        }
    }

    /// Each ratio is `null` when its denominator is zero, and the estimates built on CPI with it;
    /// a zero numerator is a real 0, not null.
    @Test func earnedValueRatiosAreNullOnlyWhenTheirDenominatorIsZero() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-zero")
        let auth = tenant.authorization
        try await env.withApp { client in
            let emptyID = try await Self.makeProject(client, auth, "EMPTY")
            // No items, no costs: every ratio and estimate is null, one point for the week of asOf.
            let empty = try await client.call(.get, "/v1/projects/\(emptyID)/earned-value?asOf=2026-11-16", auth: auth)
            #expect(empty.status == .ok, "\(empty.text)")
            for field in ["bac", "pv", "ev", "ac", "sv", "cv"] { #expect(empty.object[field] as? Int == 0, "\(field)") }
            for field in ["spi", "cpi", "eac", "etc", "vac", "tcpi"] { #expect(Self.isAbsent(empty.object[field]), "\(field)") }
            let point = Self.rows(empty, "series")
            #expect(point.map { $0["weekEnding"] as? String } == ["2026-11-22"])
            #expect(point.first?["pv"] as? Int == 0 && point.first?["ev"] as? Int == 0 && point.first?["ac"] as? Int == 0)

            // One item, budget 1000, Mon 2 – Fri 6 Nov, done; 1000 spent on Thursday the 5th.
            _ = try await Self.makeProject(client, auth, "EXACT")
            _ = try await Self.makeItems(client, auth, "EXACT",
                                         #"{"title":"Only","plannedStart":"2026-11-02","plannedFinish":"2026-11-06","budgetedCost":1000,"percentComplete":100}"#)
            let booked = try await client.call(.post, "/v1/projects/EXACT/cost-entries", auth: auth,
                                               json: #"{"date":"2026-11-05","amount":1000}"#)
            #expect(booked.status == .created)
            // As of Wednesday the 4th nothing is spent: PV 1000 × 3/5 = 600, SPI 1000/600, CPI and the
            // estimates null, TCPI (1000 − 1000) / (1000 − 0) = 0.
            let early = try await client.call(.get, "/v1/projects/EXACT/earned-value?asOf=2026-11-04", auth: auth)
            #expect(early.object["pv"] as? Int == 600 && early.object["ac"] as? Int == 0)
            #expect(Self.close(early.object["spi"], 1000.0 / 600.0))
            for field in ["cpi", "eac", "etc", "vac"] { #expect(Self.isAbsent(early.object[field]), "\(field)") }
            #expect(Self.close(early.object["tcpi"], 0))
            // As of Friday the budget is exactly spent: CPI 1, EAC 1000, ETC and VAC 0, TCPI null.
            let done = try await client.call(.get, "/v1/projects/EXACT/earned-value?asOf=2026-11-06", auth: auth)
            #expect(Self.close(done.object["spi"], 1) && Self.close(done.object["cpi"], 1))
            #expect(done.object["eac"] as? Int == 1000 && done.object["etc"] as? Int == 0 && done.object["vac"] as? Int == 0)
            #expect(Self.isAbsent(done.object["tcpi"]))
        }
    }

    // MARK: - Null where the contract does not allow it

    /// Fields the contract lets a client leave out but never types with `null` are refused as `null`
    /// by one contract-driven check (the generated decoder would read `null` as "left out"): 422
    /// naming each, nothing written. Nullable fields still take `null`, and the credential decides
    /// before the body does.
    @Test func nullIsRefusedWhereTheContractDoesNotAllowItAndNothingIsWritten() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-null")
        let viewer = try await env.createMember(in: tenant.tenant, role: .viewer)
        let auth = tenant.authorization
        try await env.withApp { client in
            let projectID = try await Self.makeProject(client, auth, "NULLS")
            let refusals: [(String, String, String, [String])] = [
                ("POST", "/v1/programmes", #"{"name":"Contact centre","workstreams":null}"#, ["/workstreams"]),
                ("POST", "/v1/projects/NULLS/work-items/bulk", #"{"items":[{"title":"ok"},{"title":"bad","kind":null}]}"#,
                 ["/items/1/kind"]),
                ("POST", "/v1/projects/NULLS/work-items/bulk",
                 #"{"items":[{"title":"a","status":null},{"title":"b","kind":null,"budgetedCost":null}]}"#,
                 ["/items/0/status", "/items/1/budgetedCost", "/items/1/kind"]),
                ("POST", "/v1/projects/NULLS/cost-entries", #"{"date":"2026-11-24","hours":8,"amount":null}"#, ["/amount"]),
                ("PATCH", "/v1/projects/NULLS", #"{"name":null}"#, ["/name"]),
                ("PATCH", "/v1/projects/NULLS", #"{"code":null,"name":null,"budgetAtCompletion":null}"#,
                 ["/budgetAtCompletion", "/code", "/name"]),
            ]
            for (method, path, body, pointers) in refusals {
                let refused = try await client.call(method == "POST" ? .post : .patch, path, auth: auth, json: body)
                #expect(refused.status == .unprocessableContent, "\(method) \(path) \(body): \(refused.text)")
                #expect(Self.problem(refused) == "/problems/validation", "\(body)")
                #expect(Self.pointers(refused) == pointers, "\(body): \(refused.text)")
            }
            // A merge patch is the same body by another media type: refused the same way.
            let merge = try await client.call(.patch, "/v1/projects/NULLS", auth: auth, json: #"{"name":null}"#,
                                              headers: ["Content-Type": "application/merge-patch+json"])
            #expect(merge.status == .unprocessableContent && Self.pointers(merge) == ["/name"], "\(merge.text)")
            let unchanged = try await client.call(.get, "/v1/projects/\(projectID)", auth: auth)
            #expect(unchanged.object["name"] as? String == "Project NULLS" && unchanged.object["version"] as? Int == 1)

            // The credential decides first: none is 401, an unknown key 401, a viewer's 403.
            let anonymous = try await client.call(.post, "/v1/programmes", json: #"{"name":"X","workstreams":null}"#)
            #expect(anonymous.status == .unauthorized && Self.problem(anonymous) == "/problems/unauthenticated", "\(anonymous.text)")
            let stranger = try await client.call(.post, "/v1/programmes", auth: "Bearer \(SecretToken.generate().token)",
                                                 json: #"{"name":"X","workstreams":null}"#)
            #expect(stranger.status == .unauthorized && Self.problem(stranger) == "/problems/unauthenticated", "\(stranger.text)")
            let underScoped = try await client.call(.post, "/v1/projects/NULLS/cost-entries", auth: viewer.authorization,
                                                    json: #"{"date":"2026-11-24","hours":8,"amount":null}"#)
            #expect(underScoped.status == .forbidden && Self.problem(underScoped) == "/problems/insufficient-scope",
                    "\(underScoped.text)")

            // Nullable fields still take null.
            let nullable = try await client.call(.post, "/v1/projects/NULLS/cost-entries", auth: auth, json: """
                {"date":"2026-11-24","amount":500,"workItemId":null,"memberId":null,"hours":null,"description":null}
                """)
            #expect(nullable.status == .created, "\(nullable.text)")
            let cleared = try await client.call(.patch, "/v1/projects/NULLS", auth: auth, json: #"{"sponsor":null}"#)
            #expect(cleared.status == .ok, "\(cleared.text)")
            let programme = try await client.call(.post, "/v1/programmes", auth: auth,
                                                  json: #"{"name":"Contact centre","portfolioId":null,"description":null}"#)
            #expect(programme.status == .created, "\(programme.text)")
        }
        #expect(try await env.count("programmes", tenant: tenant.tenant.id) == 1)
        #expect(try await env.count("work_items", tenant: tenant.tenant.id) == 0)
        #expect(try await env.count("cost_entries", tenant: tenant.tenant.id) == 1)
    }

    /// The contract rule replaced per-handler null checks; each of the fields those checked is still
    /// refused as `null` (the rule reads the contract, so this catches a schema that drifts to
    /// nullable or required), and the refused writes change nothing.
    @Test func theNullChecksTheContractRuleReplacedStillHold() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-null2")
        let owner = try await env.createMember(in: tenant.tenant, role: .owner)
        let viewer = try await env.createMember(in: tenant.tenant, role: .viewer)
        let auth = owner.authorization
        try await env.withApp { client in
            let portfolio = try await client.call(.post, "/v1/portfolios", auth: auth, json: #"{"name":"Customer"}"#)
            let portfolioID = try #require(portfolio.object["id"] as? String)
            let programme = try await client.call(.post, "/v1/programmes", auth: auth, json: #"{"name":"Contact centre"}"#)
            let programmeID = try #require(programme.object["id"] as? String)
            _ = try await Self.makeProject(client, auth, "NULL2")
            let item = try await Self.makeItems(client, auth, "NULL2", #"{"title":"Work"}"#)["Work"]!
            let robot = try await client.call(.post, "/v1/api-clients", auth: auth,
                                              json: #"{"name":"Robot","scopes":["projects:read"]}"#)
            let robotID = try #require(robot.object["id"] as? String)
            let viewerID = viewer.member.id.uuidString.lowercased()
            let auditedBefore = try await env.auditOperations(tenant: tenant.tenant.id)
            let keysBefore = try await env.count("api_keys", tenant: tenant.tenant.id)

            let refusals: [(String, String, String, [String])] = [
                ("PATCH", "/v1/projects/NULL2/work-items/\(item)",
                 #"{"title":null,"kind":null,"status":null,"budgetedCost":null,"percentComplete":null}"#,
                 ["/budgetedCost", "/kind", "/percentComplete", "/status", "/title"]),
                ("PATCH", "/v1/portfolios/\(portfolioID)", #"{"name":null}"#, ["/name"]),
                ("PATCH", "/v1/programmes/\(programmeID)", #"{"name":null,"workstreams":null}"#, ["/name", "/workstreams"]),
                ("PATCH", "/v1/members/\(viewerID)", #"{"role":null,"status":null}"#, ["/role", "/status"]),
                ("PATCH", "/v1/api-clients/\(robotID)", #"{"name":null,"scopes":null,"status":null}"#,
                 ["/name", "/scopes", "/status"]),
                ("POST", "/v1/api-clients/\(robotID)/keys", #"{"name":"k","scopes":null}"#, ["/scopes"]),
                ("POST", "/v1/members/me/tokens", #"{"name":"t","scopes":null}"#, ["/scopes"]),
            ]
            for (method, path, body, pointers) in refusals {
                let refused = try await client.call(method == "POST" ? .post : .patch, path, auth: auth, json: body)
                #expect(refused.status == .unprocessableContent, "\(method) \(path) \(body): \(refused.text)")
                #expect(Self.pointers(refused) == pointers, "\(method) \(path): \(refused.text)")
            }
            #expect(try await env.auditOperations(tenant: tenant.tenant.id) == auditedBefore)
            #expect(try await env.count("api_keys", tenant: tenant.tenant.id) == keysBefore)
            let still = try await client.call(.get, "/v1/projects/NULL2/work-items/\(item)", auth: auth)
            #expect(still.object["title"] as? String == "Work" && still.object["version"] as? Int == 1)
        }
    }

    // MARK: - Roles

    /// projects:read reads baselines, actuals and earned value; taking a baseline or booking a cost
    /// needs projects:write (403 insufficient-scope before anything is looked at).
    @Test func viewersReadBaselinesActualsAndEarnedValueButCannotWriteThem() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("act-role")
        let manager = try await env.createMember(in: tenant.tenant, role: .projectManager)
        let viewer = try await env.createMember(in: tenant.tenant, role: .viewer)
        let managerID = manager.member.id.uuidString.lowercased()
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: manager.authorization,
                                                json: #"{"code":"ROLE","name":"Roles","currency":"EUR"}"#)
            #expect(project.status == .created)
            _ = try await Self.makeItems(client, manager.authorization, "ROLE",
                                         #"{"title":"Work","plannedStart":"2026-11-23","durationDays":3,"budgetedCost":9000}"#)
            let baseline = try await client.call(.post, "/v1/projects/ROLE/baselines", auth: manager.authorization,
                                                 json: #"{"name":"Start"}"#)
            let baselineID = try #require(baseline.object["id"] as? String)
            let entry = try await client.call(.post, "/v1/projects/ROLE/cost-entries", auth: manager.authorization,
                                              json: #"{"date":"2026-11-23","hours":6,"amount":3000,"memberId":"\#(managerID)"}"#)
            let entryID = try #require(entry.object["id"] as? String)

            for path in ["/v1/projects/ROLE/earned-value?asOf=2026-11-24", "/v1/projects/ROLE/baselines",
                         "/v1/projects/ROLE/baselines/\(baselineID)", "/v1/projects/ROLE/baselines/\(baselineID)/variance",
                         "/v1/projects/ROLE/cost-entries", "/v1/projects/ROLE/cost-entries/\(entryID)",
                         "/v1/timesheets?memberId=\(managerID)&week=2026-W48"] {
                let read = try await client.call(.get, path, auth: viewer.authorization)
                #expect(read.status == .ok, "\(path): \(read.text)")
            }
            let writes: [(String, String?)] = [
                ("/v1/projects/ROLE/baselines", #"{"name":"Viewer's"}"#),
                ("/v1/projects/ROLE/cost-entries", #"{"date":"2026-11-24","amount":100}"#),
            ]
            for (path, body) in writes {
                let refused = try await client.call(.post, path, auth: viewer.authorization, json: body)
                #expect(refused.status == .forbidden, "\(path): \(refused.text)")
                #expect(Self.problem(refused) == "/problems/insufficient-scope", "\(path)")
            }
            let delete = try await client.call(.delete, "/v1/projects/ROLE/cost-entries/\(entryID)", auth: viewer.authorization)
            #expect(delete.status == .forbidden && Self.problem(delete) == "/problems/insufficient-scope")
        }
        #expect(try await env.count("baselines", tenant: tenant.tenant.id) == 1)
        #expect(try await env.count("cost_entries", tenant: tenant.tenant.id) == 1)
        let audited = try await env.auditOperations(tenant: tenant.tenant.id)
        #expect(audited.filter { $0 == "createBaseline" || $0 == "createCostEntry" || $0 == "deleteCostEntry" }
            == ["createBaseline", "createCostEntry"])
    }
}

/// `Idempotency-Key` on the delivery creates: a retried request books money or creates items once.
@Suite struct DeliveryIdempotencyTests {
    @Test func aRetryWithTheSameKeyReturnsTheFirstResponseAndWritesNothingMore() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("idem-delivery").tenant
        let owner = try await env.createMember(in: tenant, role: .owner)
        try await env.withApp { client in
            let project = try await client.call(.post, "/v1/projects", auth: owner.authorization,
                                                json: #"{"code":"IDEM","name":"Retries","currency":"EUR"}"#)
            #expect(project.status == .created)
            let entry = #"{"date":"2026-11-26","amount":125000}"#
            let first = try await client.call(.post, "/v1/projects/IDEM/cost-entries", auth: owner.authorization, json: entry,
                                              headers: ["Idempotency-Key": "invoice-42"])
            let again = try await client.call(.post, "/v1/projects/IDEM/cost-entries", auth: owner.authorization, json: entry,
                                              headers: ["Idempotency-Key": "invoice-42"])
            #expect(first.status == .created && again.status == .created)
            #expect(again.object["id"] as? String == first.object["id"] as? String)
            #expect(again.header("Location") == first.header("Location"))
            let other = try await client.call(.post, "/v1/projects/IDEM/cost-entries", auth: owner.authorization,
                                              json: #"{"date":"2026-11-26","amount":1}"#, headers: ["Idempotency-Key": "invoice-42"])
            #expect(other.status == .unprocessableContent && other.object["type"] as? String == "/problems/idempotency-key-reused")
            let bulk = #"{"items":[{"title":"A"},{"title":"B","parentIndex":0}]}"#
            let created = try await client.call(.post, "/v1/projects/IDEM/work-items/bulk", auth: owner.authorization, json: bulk,
                                                headers: ["Idempotency-Key": "import-1"])
            let replayed = try await client.call(.post, "/v1/projects/IDEM/work-items/bulk", auth: owner.authorization, json: bulk,
                                                 headers: ["Idempotency-Key": "import-1"])
            #expect(created.status == .created && replayed.text == created.text)
        }
        #expect(try await env.count("cost_entries", tenant: tenant.id) == 1)
        #expect(try await env.count("work_items", tenant: tenant.id) == 2)
    }
}
