import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// API clients (service accounts) and their keys.
extension APIHandler {
    static let apiClient = ResourceKind<ClientStore, Components.Schemas.ApiClient>(
        noun: "API client", auditType: "api_client",
        fields: [.init("name", \.name), .init("scopes", \.heldScopes), .init("status", \.status)],
        store: { ClientStore($0.scope) }, render: ClientMapping.resource)

    func listApiClients(_ input: Operations.ListApiClients.Input) async throws -> Operations.ListApiClients.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let status = input.query.status.map(ClientStatus.init)
        let page = try await session.run { context in
            try await Self.apiClient.store(context).list(status: status, after: cursor, limit: limit + 1)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.apiClient.render), nextCursor: next))))
    }

    func createApiClient(_ input: Operations.CreateApiClient.Input) async throws -> Operations.CreateApiClient.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireName(body.name)
        let scopes = KeyMapping.scopes(body.scopes, at: "/scopes", &checks)
        try checks.throwIfAny()
        let client = try await session.run { context in
            try KeyMapping.requireWithin(scopes, context.principal.scopes, at: "/scopes", whose: "your credential")
            try await QuotaGuard(context.scope).require(.apiClients, today: CalendarDate(utcDate: context.environment.now()))
            let client = try await Self.apiClient.store(context).insert(
                id: context.environment.newID(), name: body.name, scopes: scopes, at: context.environment.now())
            // A new client is active: its status is no change of the caller's.
            try await audit(context, Operations.CreateApiClient.id, Self.apiClient.auditType, client.id,
                            changed: ["name", "scopes"])
            return client
        }
        return .created(.init(
            headers: .init(location: "/v1/api-clients/\(client.id.wire)", eTag: Preconditions.etag(version: client.version)),
            body: .json(Self.apiClient.render(client))))
    }

    func getApiClient(_ input: Operations.GetApiClient.Input) async throws -> Operations.GetApiClient.Output {
        let (client, etag) = try await read(Self.apiClient, input.path.clientId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(client)))
    }

    func updateApiClient(_ input: Operations.UpdateApiClient.Input) async throws -> Operations.UpdateApiClient.Output {
        let patch: Components.Schemas.ApiClientPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let kind = Self.apiClient
        let id = try kind.id(input.path.clientId)
        var checks = FieldChecks()
        checks.requireName(patch.name)
        let scopes = patch.scopes.map { KeyMapping.scopes($0, at: "/scopes", &checks) }
        try checks.throwIfAny()
        let client = try await lockedWrite(kind, input.path.clientId, id) { context, store, current in
            try requireManageable(current, by: context)
            var next = current
            if let name = patch.name { next.name = name }
            if let scopes {
                try KeyMapping.requireWithin(scopes, context.principal.scopes, at: "/scopes", whose: "your credential")
                next.scopes = scopes
            }
            if let status = patch.status { next.status = ClientStatus(status) }
            let changed = kind.changed(from: current, to: next)
            guard !changed.isEmpty else { return current }
            let now = context.environment.now()
            if next.status != current.status { next.disabledAt = next.status == .disabled ? now : nil }
            let updated = try await store.update(next, at: now)
            // Keys keep only what the client still has; they never gain scopes.
            if !next.heldScopes.isSuperset(of: current.scopes) {
                try await APIKeyStore(context.scope).narrowKeys(of: .client(id), to: next.heldScopes)
            }
            try await audit(context, Operations.UpdateApiClient.id, kind.auditType, id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: client.version)),
                         body: .json(kind.render(client))))
    }

    func listApiClientKeys(_ input: Operations.ListApiClientKeys.Input) async throws -> Operations.ListApiClientKeys.Output {
        let id = try Self.apiClient.id(input.path.clientId)
        let keys = try await session.run { context in
            guard try await Self.apiClient.store(context).find(id) != nil else {
                throw Self.apiClient.notFound(input.path.clientId)
            }
            return try await APIKeyStore(context.scope).keys(of: .client(id))
        }
        return .ok(.init(body: .json(.init(items: keys.map { KeyMapping.resource($0) }))))
    }

    func createApiClientKey(_ input: Operations.CreateApiClientKey.Input) async throws -> Operations.CreateApiClientKey.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let id = try Self.apiClient.id(input.path.clientId)
        var checks = FieldChecks()
        checks.requireName(body.name)
        let requested = body.scopes.map { KeyMapping.scopes($0, at: "/scopes", &checks) }
        if let expiresAt = body.expiresAt {
            checks.require(expiresAt > session.environment.now(), "/expiresAt", "must be in the future")
        }
        try checks.throwIfAny()
        let (key, secret) = try await session.run { context in
            guard let client = try await Self.apiClient.store(context).find(id, lock: true) else {
                throw Self.apiClient.notFound(input.path.clientId)
            }
            try requireManageable(client, by: context)
            let scopes = requested ?? client.scopes
            try KeyMapping.requireWithin(scopes, Set(client.scopes), at: "/scopes", whose: "the client \(client.name)")
            let created = try await APIKeyStore(context.scope).insert(
                name: body.name, scopes: scopes, expiresAt: body.expiresAt, id: context.environment.newID(), owner: .client(id))
            try await audit(context, Operations.CreateApiClientKey.id, "api_key", created.0.id,
                            changed: ["name", "scopes", "expiresAt"])
            return created
        }
        return .created(.init(body: .json(KeyMapping.resource(key, secret: secret))))
    }

    func revokeApiClientKey(_ input: Operations.RevokeApiClientKey.Input) async throws -> Operations.RevokeApiClientKey.Output {
        let id = try Self.apiClient.id(input.path.clientId)
        guard let keyID = UUID(uuidString: input.path.keyId) else { throw APIProblem.notFound("Key \(input.path.keyId)") }
        try await session.run { context in
            guard let client = try await Self.apiClient.store(context).find(id, lock: true) else {
                throw APIProblem.notFound("Key \(input.path.keyId) of API client \(input.path.clientId)")
            }
            try requireManageable(client, by: context)
            guard let revokedNow = try await APIKeyStore(context.scope).revokeKey(keyID, of: .client(id))
            else { throw APIProblem.notFound("Key \(input.path.keyId) of API client \(input.path.clientId)") }
            if revokedNow {
                try await audit(context, Operations.RevokeApiClientKey.id, "api_key", keyID, changed: ["revokedAt"])
            }
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
}

extension ClientRecord {
    /// The scopes as a set: their order is no change.
    var heldScopes: Set<Scope> { Set(scopes) }
}
