public import Foundation

/// A tenant's id as a type of its own, so that it cannot be passed where a project's, a key's or any
/// other resource's id goes (they are all UUIDs).
public struct TenantID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID) { self.uuid = uuid }

    public init?(uuidString: String) {
        guard let uuid = UUID(uuidString: uuidString) else { return nil }
        self.uuid = uuid
    }

    public var uuidString: String { uuid.uuidString }
    public var description: String { uuid.description }

    public init(from decoder: any Decoder) throws { uuid = try decoder.singleValueContainer().decode(UUID.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(uuid)
    }
}
