import Domain
public import Foundation
public import Persistence

/// Ids a request names as people (an assignee, a custom field of the user type) must be members of
/// the tenant: one read checks them all, and every stranger is a 422 at the pointer of its value.
public struct MembershipCheck: Sendable {
    let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// Each entry is a member id and the pointer of the value that names it.
    public func requireMembers(_ named: [(id: UUID, pointer: String)]) async throws {
        guard !named.isEmpty else { return }
        let known = try await MemberDirectory(scope).existing(Set(named.map(\.id)))
        let strangers = named.filter { !known.contains($0.id) }
        guard strangers.isEmpty else {
            throw ValidationFailure(strangers.map { FieldError(pointer: $0.pointer, detail: "names no member of this organisation") })
        }
    }
}

extension ValidationFailure {
    /// Runs `check` and adds what it refuses to `errors` instead of throwing, for a request that
    /// reports every refusal at once. Any other error is thrown.
    static func collect(into errors: inout [FieldError], _ check: () async throws -> Void) async throws {
        do {
            try await check()
        } catch let failure as ValidationFailure {
            errors += failure.errors
        }
    }
}
