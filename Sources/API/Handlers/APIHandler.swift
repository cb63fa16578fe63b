import APIDefinition
import Foundation

/// Implements the generated `APIProtocol`; one extension per area in this folder.
struct APIHandler: APIProtocol {
    let session: TenantSession
    let readiness: Readiness
    /// The contract text served at `/openapi.yaml`.
    let document: String
}
