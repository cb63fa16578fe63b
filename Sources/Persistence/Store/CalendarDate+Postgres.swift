public import Domain
public import PostgresNIO

/// `CalendarDate` travels as PostgreSQL `date` in both directions: bound as a typed parameter and read
/// from a bare date column. Stores therefore never format dates in SQL (`to_char` or a `::text` cast in a
/// `RETURNING` list is a non-immutable function, which Citus refuses: docs/ARCHITECTURE.md, "Citus-ready
/// queries"), and a bind needs no `::date` cast.
///
/// The binary form is a 32-bit count of days since 2000-01-01; the text form (a date inside a composite
/// or read in text format) is `YYYY-MM-DD`.
extension CalendarDate: PostgresNonThrowingEncodable, PostgresDecodable, PostgresArrayEncodable, PostgresArrayDecodable {
    /// 2000-01-01, PostgreSQL's day zero, as days since 1970-01-01.
    private static let postgresEpochOffset = 10_957

    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }
    public static var psqlArrayType: PostgresDataType { .dateArray }

    public func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger(Int32(daysSinceEpoch - Self.postgresEpochOffset))
    }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from byteBuffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .date else { throw PostgresDecodingError.Code.typeMismatch }
        switch format {
        case .binary:
            guard byteBuffer.readableBytes == 4, let days = byteBuffer.readInteger(as: Int32.self) else {
                throw PostgresDecodingError.Code.failure
            }
            // infinity and -infinity are the extreme Int32 values; no column of ours holds them.
            guard days != .max, days != .min else { throw PostgresDecodingError.Code.failure }
            self.init(daysSinceEpoch: Int(days) + Self.postgresEpochOffset)
        case .text:
            guard let text = byteBuffer.readString(length: byteBuffer.readableBytes), let date = CalendarDate(text) else {
                throw PostgresDecodingError.Code.failure
            }
            self = date
        }
    }
}
