public import Domain
import Foundation
import Logging
import PostgresNIO

/// One aggregated usage cell: a tenant's calls of one operation with one status class on one day.
public struct UsageKey: Hashable, Sendable {
    public var tenantID: TenantID
    public var day: CalendarDate
    public var operationID: String
    public var statusClass: StatusClass

    public init(tenantID: TenantID, day: CalendarDate, operationID: String, statusClass: StatusClass) {
        self.tenantID = tenantID
        self.day = day
        self.operationID = operationID
        self.statusClass = statusClass
    }
}

public struct UsageLine: Sendable, Equatable {
    public var day: CalendarDate
    public var operationID: String
    public var statusClass: StatusClass
    public var calls: Int64
}

/// `usage_counters`: a tenant's metered calls per day, operation and status class.
public struct UsageStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    /// Adds a batch of counts for many tenants in one statement (see `pmo.add_usage`): the meter's
    /// flush, which spans tenants and so runs outside any tenant's transaction.
    public static func add(_ counts: [UsageKey: Int64], database: Database) async throws {
        guard !counts.isEmpty else { return }
        let entries = counts.sorted { $0.key.tenantID.uuidString < $1.key.tenantID.uuidString }
        let tenants = entries.map(\.key.tenantID)
        let days = entries.map(\.key.day.description)
        let operations = entries.map(\.key.operationID)
        let classes = entries.map(\.key.statusClass.rawValue)
        let calls = entries.map(\.value)
        _ = try await database.transaction { connection in
            try await connection.query("""
                select pmo.add_usage(\(tenants), \(days)::date[], \(operations), \(classes), \(calls))
                """, logger: database.logger)
        }
    }

    /// The tenant's usage between two days, inclusive.
    public func report(from: CalendarDate, to: CalendarDate) async throws -> [UsageLine] {
        let rows = try await scope.query("""
            select to_char(day, 'YYYY-MM-DD'), operation_id, status_class, calls from usage_counters
            where tenant_id = \(scope.tenantID) and day between \(from) and \(to)
            order by day, operation_id, status_class
            """)
        var lines: [UsageLine] = []
        for try await (day, operation, statusClass, calls) in rows.decode((String, String, Int16, Int64).self) {
            guard let day = CalendarDate(day), let statusClass = StatusClass(rawValue: statusClass) else {
                throw UnreadableUsage(day: day, statusClass: statusClass)
            }
            lines.append(UsageLine(day: day, operationID: operation, statusClass: statusClass, calls: calls))
        }
        return lines
    }
}

/// A usage row the code cannot read (only possible through manual edits); reported as a 500.
public struct UnreadableUsage: Error {
    public let day: String
    public let statusClass: Int16
}
