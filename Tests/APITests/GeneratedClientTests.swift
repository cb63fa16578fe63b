import APIDefinition
import Foundation
import HTTPTypes
import HummingbirdTesting
import OpenAPIRuntime
import Testing
import TestSupport

/// Flows through the generated Swift `Client` over HTTP, as a tenant's Swift code calls the API:
/// typed bodies, and header values encoded the way the generator encodes them (percent-encoded).
@Suite struct GeneratedClientTests {
    @Test func aProjectIsCreatedReadChangedConditionallyAndDeleted() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sdk-projects")
        try await env.withApp(testing: .live) { http in
            let api = Client.tenant(http, authorization: tenant.authorization)
            // A key with characters the generator percent-encodes: each retry sends the same encoding.
            let key = "order/42:\"a\""
            let body = Components.Schemas.ProjectCreate(code: "SDK-1", name: "Through the SDK", currency: "EUR")
            let created = try await api.createProject(headers: .init(idempotencyKey: key), body: .json(body)).created
            let project = try created.body.json
            #expect(project.code == "SDK-1")
            #expect(created.headers.eTag == "\"1\"")
            let replayed = try await api.createProject(headers: .init(idempotencyKey: key), body: .json(body)).created
            #expect(try replayed.body.json.id == project.id, "the retry got the first response back")

            let read = try await api.getProject(path: .init(projectRef: "SDK-1")).ok
            #expect(try read.body.json.name == "Through the SDK")
            let etag = try #require(read.headers.eTag)

            let changed = try await api.updateProject(
                path: .init(projectRef: project.id), headers: .init(ifMatch: etag),
                body: .json(.init(name: "Renamed through the SDK"))).ok
            #expect(try changed.body.json.name == "Renamed through the SDK")
            #expect(changed.headers.eTag == "\"2\"")

            // The version read first is stale now.
            let stale = try await api.updateProject(
                path: .init(projectRef: project.id), headers: .init(ifMatch: etag), body: .json(.init(name: "Lost")))
            guard case .default(let status, _) = stale else { Issue.record("a stale If-Match was accepted"); return }
            #expect(status == 412)

            let deleted = try await api.deleteProject(path: .init(projectRef: project.id), headers: .init(ifMatch: "\"2\""))
            guard case .noContent = deleted else { Issue.record("delete: \(deleted)"); return }
            let gone = try await api.getProject(path: .init(projectRef: project.id))
            guard case .default(let goneStatus, _) = gone else { Issue.record("deleted project still read"); return }
            #expect(goneStatus == 404)
        }
    }

    @Test func aWorkItemIsCreatedReadChangedConditionallyAndDeleted() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sdk-items")
        try await env.withApp(testing: .live) { http in
            let api = Client.tenant(http, authorization: tenant.authorization)
            _ = try await api.createProject(body: .json(.init(code: "SDK-2", name: "Items", currency: "EUR"))).created
            let created = try await api.createWorkItem(
                path: .init(projectRef: "SDK-2"),
                body: .json(.init(title: "Design", kind: .task, durationDays: 3))).created
            let item = try created.body.json
            let etag = try #require(created.headers.eTag)
            #expect(item.title == "Design")

            let read = try await api.getWorkItem(path: .init(projectRef: "SDK-2", itemId: item.id)).ok
            #expect(read.headers.eTag == etag)

            let changed = try await api.updateWorkItem(
                path: .init(projectRef: "SDK-2", itemId: item.id), headers: .init(ifMatch: etag),
                body: .applicationMergePatchJson(.init(title: "Detailed design", percentComplete: 40))).ok
            #expect(try changed.body.json.title == "Detailed design")
            #expect(try changed.body.json.percentComplete == 40)

            let stale = try await api.deleteWorkItem(path: .init(projectRef: "SDK-2", itemId: item.id),
                                                     headers: .init(ifMatch: etag))
            guard case .default(let status, _) = stale else { Issue.record("a stale If-Match deleted the item"); return }
            #expect(status == 412)
            let deleted = try await api.deleteWorkItem(path: .init(projectRef: "SDK-2", itemId: item.id),
                                                       headers: .init(ifMatch: changed.headers.eTag))
            guard case .noContent = deleted else { Issue.record("delete: \(deleted)"); return }
        }
    }

    @Test func anObligationIsCreatedReadChangedConditionallyAndDeleted() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sdk-obligations")
        try await env.withApp(testing: .live) { http in
            let api = Client.tenant(http, authorization: tenant.authorization)
            let contract = try await api.createContract(body: .json(.init(
                code: "SDK-MSA", name: "Managed service", clientParty: "Client", service: "Service desk",
                startDate: "2026-01-01", monthlyFee: 1_000_000, currency: "EUR", serviceCreditCapPercent: 10))).created.body.json
            let created = try await api.createObligation(
                path: .init(contractId: contract.id),
                body: .json(.init(name: "P1 response", kind: .serviceLevel, metric: "response_minutes", unit: "minutes",
                                  period: .monthly, comparator: ._lt__equals_, threshold: 30, creditPercent: 5))).created
            let obligation = try created.body.json
            let etag = try #require(created.headers.eTag)

            let read = try await api.getObligation(path: .init(obligationId: obligation.id)).ok
            #expect(try read.body.json.name == "P1 response")

            let changed = try await api.updateObligation(
                path: .init(obligationId: obligation.id), headers: .init(ifMatch: etag),
                body: .json(.init(name: "Priority 1 response"))).ok
            #expect(try changed.body.json.name == "Priority 1 response")
            #expect(changed.headers.eTag != etag)

            let stale = try await api.updateObligation(path: .init(obligationId: obligation.id), headers: .init(ifMatch: etag),
                                                       body: .json(.init(name: "Lost")))
            guard case .default(let status, _) = stale else { Issue.record("a stale If-Match was accepted"); return }
            #expect(status == 412)

            let deleted = try await api.deleteObligation(path: .init(obligationId: obligation.id),
                                                         headers: .init(ifMatch: changed.headers.eTag))
            guard case .noContent = deleted else { Issue.record("delete: \(deleted)"); return }
        }
    }

    @Test func anIdempotencyKeyIsTakenAsSentAndIfMatchIsReadDecoded() async throws {
        let env = try await TestEnvironment()
        let tenant = try await env.createTenant("sdk-headers")
        try await env.withApp { client in
            // `%20` would decode to a space, which no key may hold: the key is opaque, taken as sent.
            let body = #"{"name":"Keyed"}"#
            let first = try await client.call(.post, "/v1/portfolios", auth: tenant.authorization, json: body,
                                              headers: ["Idempotency-Key": "order%2042"])
            #expect(first.status == .created, "\(first.text)")
            let retry = try await client.call(.post, "/v1/portfolios", auth: tenant.authorization, json: body,
                                              headers: ["Idempotency-Key": "order%2042"])
            #expect(retry.object["id"] as? String == first.object["id"] as? String)
            let id = first.object["id"] as? String ?? ""
            // A percent-encoded entity tag and a plain one mean the same version.
            let encoded = try await client.call(.patch, "/v1/portfolios/\(id)", auth: tenant.authorization,
                                                json: #"{"name":"Encoded"}"#, headers: ["If-Match": "%221%22"])
            #expect(encoded.status == .ok, "\(encoded.text)")
            let plain = try await client.call(.patch, "/v1/portfolios/\(id)", auth: tenant.authorization,
                                              json: #"{"name":"Plain"}"#, headers: ["If-Match": "\"2\""])
            #expect(plain.status == .ok, "\(plain.text)")
        }
    }
}
