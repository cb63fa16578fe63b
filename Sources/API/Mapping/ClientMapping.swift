import APIDefinition
import Auth
import Domain
import Foundation

/// Between the generated wire types and API clients.
enum ClientMapping {
    static func resource(_ record: ClientRecord) -> Components.Schemas.ApiClient {
        Components.Schemas.ApiClient(
            id: record.id.wire, name: record.name, scopes: record.scopes.sorted().map(\.rawValue),
            status: Components.Schemas.ClientStatus(record.status), disabledAt: record.disabledAt,
            lastUsedAt: record.lastUsedAt, createdAt: record.createdAt, updatedAt: record.updatedAt,
            version: record.version)
    }
}
