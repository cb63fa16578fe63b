import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// API clients (service accounts) and their keys.
extension APIHandler {
    func listApiClients(_ input: Operations.ListApiClients.Input) async throws -> Operations.ListApiClients.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let status = input.query.status.flatMap { ClientStatus(rawValue: $0.rawValue) }
        let page = try await session.run { context in
            try await clients(context).list(status: status, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(ClientMapping.resource), nextCursor: next))))
    }

    func createApiClient(_ input: Operations.CreateApiClient.Input) async throws -> Operations.CreateApiClient.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        let scopes = KeyMapping.scopes(body.scopes, at: "/scopes", &checks)
        try checks.throwIfAny()
        let client = try await session.run { context in
            try KeyMapping.requireWithin(scopes, context.principal.scopes, at: "/scopes", whose: "your credential")
            let client = try await clients(context).insert(id: context.environment.newID(), name: body.name, scopes: scopes,
                                                           at: context.environment.now())
            try await audit(context, "createApiClient", "api_client", client.id, changed: ["name", "scopes"])
            return client
        }
        return .created(.init(
            headers: .init(location: "/v1/api-clients/\(client.id.uuidString.lowercased())", eTag: ClientMapping.etag(client)),
            body: .json(ClientMapping.resource(client))))
    }

    func getApiClient(_ input: Operations.GetApiClient.Input) async throws -> Operations.GetApiClient.Output {
        let id = try clientID(input.path.clientId)
        let client = try await session.run { context in try await clients(context).find(id) }
        guard let client else { throw APIProblem.notFound("API client \(input.path.clientId)") }
        return .ok(.init(headers: .init(eTag: ClientMapping.etag(client)), body: .json(ClientMapping.resource(client))))
    }

    func updateApiClient(_ input: Operations.UpdateApiClient.Input) async throws -> Operations.UpdateApiClient.Output {
        let patch: Components.Schemas.ApiClientPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try clientID(input.path.clientId)
        let ifMatch = Preconditions.parse(ifMatch: RequestScope.rawHeader("If-Match"))
        let record = try await session.run { context in
            var checks = FieldChecks()
            checks.requireName(patch.name)
            let scopes = patch.scopes.map { KeyMapping.scopes($0, at: "/scopes", &checks) }
            try checks.throwIfAny()
            let store = clients(context)
            guard let current = try await store.find(id, lock: true) else {
                throw APIProblem.notFound("API client \(input.path.clientId)")
            }
            try Preconditions.check(ifMatch, currentVersion: current.version)
            try requireManageable(current, by: context)
            var next = current
            if let name = patch.name { next.name = name }
            if let scopes {
                try KeyMapping.requireWithin(scopes, context.principal.scopes, at: "/scopes", whose: "your credential")
                next.scopes = scopes
            }
            if let status = patch.status { next.status = ClientStatus(rawValue: status.rawValue)! }
            var changed: [String] = []
            if next.name != current.name { changed.append("name") }
            if Set(next.scopes) != Set(current.scopes) { changed.append("scopes") }
            if next.status != current.status { changed.append("status") }
            guard !changed.isEmpty else { return current }
            let now = context.environment.now()
            if next.status != current.status { next.disabledAt = next.status == .disabled ? now : nil }
            let updated = try await store.update(next, at: now)
            // Keys keep only what the client still has; they never gain scopes.
            if !Set(next.scopes).isSuperset(of: current.scopes) {
                try await APIKeyStore(context.scope).narrowKeys(of: .client(id), to: Set(next.scopes))
            }
            try await audit(context, "updateApiClient", "api_client", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: ClientMapping.etag(record)), body: .json(ClientMapping.resource(record))))
    }

    func listApiClientKeys(_ input: Operations.ListApiClientKeys.Input) async throws -> Operations.ListApiClientKeys.Output {
        let id = try clientID(input.path.clientId)
        let keys = try await session.run { context in
            guard try await clients(context).find(id) != nil else { throw APIProblem.notFound("API client \(input.path.clientId)") }
            return try await APIKeyStore(context.scope).keys(of: .client(id))
        }
        return .ok(.init(body: .json(.init(items: keys.map { KeyMapping.resource($0) }))))
    }

    func createApiClientKey(_ input: Operations.CreateApiClientKey.Input) async throws -> Operations.CreateApiClientKey.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let id = try clientID(input.path.clientId)
        var checks = FieldChecks()
        checks.requireName(body.name)
        let requested = body.scopes.map { KeyMapping.scopes($0, at: "/scopes", &checks) }
        if let expiresAt = body.expiresAt {
            checks.require(expiresAt > session.environment.now(), "/expiresAt", "must be in the future")
        }
        try checks.throwIfAny()
        let (key, secret) = try await session.run { context in
            guard let client = try await clients(context).find(id, lock: true) else {
                throw APIProblem.notFound("API client \(input.path.clientId)")
            }
            try requireManageable(client, by: context)
            let scopes = requested ?? client.scopes
            try KeyMapping.requireWithin(scopes, Set(client.scopes), at: "/scopes", whose: "the client \(client.name)")
            let created = try await APIKeyStore(context.scope).insert(
                name: body.name, scopes: scopes, expiresAt: body.expiresAt, id: context.environment.newID(), owner: .client(id))
            try await audit(context, "createApiClientKey", "api_key", created.0.id, changed: ["name", "scopes", "expiresAt"])
            return created
        }
        return .created(.init(body: .json(KeyMapping.resource(key, secret: secret))))
    }

    func revokeApiClientKey(_ input: Operations.RevokeApiClientKey.Input) async throws -> Operations.RevokeApiClientKey.Output {
        let id = try clientID(input.path.clientId)
        guard let keyID = UUID(uuidString: input.path.keyId) else { throw APIProblem.notFound("Key \(input.path.keyId)") }
        try await session.run { context in
            guard let client = try await clients(context).find(id, lock: true) else {
                throw APIProblem.notFound("Key \(input.path.keyId) of API client \(input.path.clientId)")
            }
            try requireManageable(client, by: context)
            guard let revokedNow = try await APIKeyStore(context.scope).revokeKey(keyID, of: .client(id))
            else { throw APIProblem.notFound("Key \(input.path.keyId) of API client \(input.path.clientId)") }
            if revokedNow { try await audit(context, "revokeApiClientKey", "api_key", keyID, changed: ["revokedAt"]) }
        }
        return .noContent(.init())
    }

    /// Whoever changes a client or its keys must hold every scope the client holds: otherwise a
    /// caller could mint a key for a client more powerful than itself (as for members' roles).
    private func requireManageable(_ client: ClientRecord, by context: TenantSession.Context) throws {
        let missing = Set(client.scopes).subtracting(context.principal.scopes)
        guard missing.isEmpty else {
            throw APIProblem(status: 403, type: "client-not-manageable", title: "Client not manageable",
                             detail: "Managing this client needs every scope it holds; your credential lacks \(missing.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
    }

    private func clients(_ context: TenantSession.Context) -> ClientStore {
        ClientStore(context.scope)
    }

    /// A path id that is not a UUID names nothing: 404, as for an id that exists nowhere.
    private func clientID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw APIProblem.notFound("API client \(text)") }
        return id
    }
}
