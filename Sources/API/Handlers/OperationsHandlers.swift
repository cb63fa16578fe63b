import APIDefinition
import Foundation
import OpenAPIRuntime
import Persistence

extension APIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        guard !readiness.drain.isDraining else {
            throw APIProblem(status: 503, type: "not-ready", title: "Not ready",
                             detail: "The server is shutting down.", headers: [("Retry-After", "5")])
        }
        let pending: [String]
        do {
            pending = try await readiness.pendingMigrations().map(\.name)
        } catch {
            throw APIProblem(status: 503, type: "not-ready", title: "Not ready",
                             detail: "The database cannot be reached.", headers: [("Retry-After", "5")])
        }
        guard pending.isEmpty else {
            throw APIProblem(status: 503, type: "not-ready", title: "Not ready",
                             detail: "Migrations pending: \(pending.joined(separator: ", ")).",
                             headers: [("Retry-After", "30")])
        }
        return .ok(.init(body: .json(.init(status: "ok"))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws
        -> Operations.GetOpenAPIDocument.Output {
        .ok(.init(body: .yaml(HTTPBody(document))))
    }
}
