public import Domain
import Foundation
public import Logging
public import PostgresNIO

/// One tenant's view of the database: the connection of a transaction that has set the tenant
/// (`Database.tenantTransaction`), the tenant's id for the statements to name (docs/ARCHITECTURE.md
/// rule 2: row-level security filters, and every statement binds `tenant_id` too), and the logger.
/// Every tenant store is made from one.
public struct TenantScope: Sendable {
    public let connection: PostgresConnection
    public let tenantID: TenantID
    public let logger: Logger

    public init(connection: PostgresConnection, tenantID: TenantID, logger: Logger) {
        self.connection = connection
        self.tenantID = tenantID
        self.logger = logger
    }

    /// One statement in the tenant's transaction.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }
}

extension TenantID: PostgresNonThrowingEncodable, PostgresDecodable, PostgresArrayEncodable, PostgresArrayDecodable {
    public static var psqlArrayType: PostgresDataType { UUID.psqlArrayType }
    public static var psqlType: PostgresDataType { UUID.psqlType }
    public static var psqlFormat: PostgresFormat { UUID.psqlFormat }

    public func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        uuid.encode(into: &byteBuffer, context: context)
    }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from byteBuffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        self.init(try UUID(from: &byteBuffer, type: type, format: format, context: context))
    }
}
