public import Domain
public import Foundation
public import PostgresNIO

/// A stored contract (docs/DOMAIN.md §5).
public struct ContractRecord: VersionedRow, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var clientParty: String
    public var service: String
    public var start: CalendarDate
    public var end: CalendarDate?
    public var monthlyFee: Int64
    public var currency: String
    public var creditCapBasisPoints: Int
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, clientParty: String, service: String, start: CalendarDate,
                end: CalendarDate?, monthlyFee: Int64, currency: String, creditCapBasisPoints: Int, version: Int64 = 1,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.clientParty = clientParty
        self.service = service
        self.start = start
        self.end = end
        self.monthlyFee = monthlyFee
        self.currency = currency
        self.creditCapBasisPoints = creditCapBasisPoints
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether any day of `period` falls within the contract's term.
    public func covers(_ period: MeasurementPeriod) -> Bool {
        period.end >= start && (end.map { period.start <= $0 } ?? true)
    }
}

/// `contracts`: a client's service contract, whose obligations are measured against its term.
public struct ContractStore: UpdatableTable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public static let table = "contracts"
    public static let columns = """
        id, code, name, client_party, service, start_date, end_date,
        monthly_fee, currency, credit_cap_bp, version, created_at, updated_at
        """

    public static func decode(_ row: PostgresRow) throws -> ContractRecord {
        let (id, code, name, client, service, start, end, fee, currency, cap, version, createdAt, updatedAt) = try row.decode(
            (UUID, String, String, String, String, CalendarDate, CalendarDate?, Int64, String, Int, Int64, Date, Date).self)
        return ContractRecord(
            id: id, code: code, name: name, clientParty: client, service: service, start: start,
            end: end, monthlyFee: fee, currency: currency, creditCapBasisPoints: cap,
            version: version, createdAt: createdAt, updatedAt: updatedAt)
    }

    public static func error(for violation: ConstraintViolation, writing row: ContractRecord) -> (any Error)? {
        violation.kind == .unique ? DuplicateName(kind: "contract", name: row.code, field: "code") : nil
    }

    public func insert(_ contract: ContractRecord) async throws -> ContractRecord {
        try await write("""
            insert into contracts (tenant_id, id, code, name, client_party, service, start_date, end_date, monthly_fee,
                                   currency, credit_cap_bp, created_at, updated_at)
            values (\(tenantID), \(contract.id), \(contract.code), \(contract.name), \(contract.clientParty),
                    \(contract.service), \(contract.start), \(contract.end),
                    \(contract.monthlyFee), \(contract.currency), \(contract.creditCapBasisPoints), \(contract.createdAt),
                    \(contract.updatedAt))
            returning \(unescaped: Self.columns)
            """, contract)
    }

    /// The contracts among `ids`, by id; with `share`, their terms cannot change until the
    /// transaction ends (a measurement checked against a term keeps it).
    public func findMany(_ ids: [UUID], share: Bool = false) async throws -> [UUID: ContractRecord] {
        let records = try await rows("""
            select \(unescaped: Self.columns) from contracts where tenant_id = \(tenantID) and id = any(\(ids))
            order by id \(unescaped: share ? "for share" : "")
            """)
        return Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
    }

    public func update(_ contract: ContractRecord, at now: Date) async throws -> ContractRecord {
        try await write("""
            update contracts set code = \(contract.code), name = \(contract.name), client_party = \(contract.clientParty),
                service = \(contract.service), start_date = \(contract.start),
                end_date = \(contract.end), monthly_fee = \(contract.monthlyFee),
                currency = \(contract.currency), credit_cap_bp = \(contract.creditCapBasisPoints),
                version = version + 1, updated_at = \(now)
            where tenant_id = \(tenantID) and id = \(contract.id)
            returning \(unescaped: Self.columns)
            """, contract)
    }

    /// A contract stays while it has obligations (their measurements and breaches are its record) or
    /// a governance forum or transition refers to it.
    public func checkDeletable(_ id: UUID) async throws {
        let obligations = try await count(
            "select count(*)::int from obligations where tenant_id = \(tenantID) and contract_id = \(id)")
        guard obligations == 0 else {
            throw HasChildren(kind: "contract", id: id, childKind: obligations == 1 ? "obligation" : "obligations", count: obligations)
        }
        let references = try await count("""
            select (select count(*) from governance_forums where tenant_id = \(tenantID) and contract_id = \(id))::int
                 + (select count(*) from transitions where tenant_id = \(tenantID) and contract_id = \(id))::int
            """)
        guard references == 0 else {
            throw HasChildren(kind: "contract", id: id, childKind: "governance forums or transitions referring to it", count: references)
        }
    }

    /// The earliest and latest measured period of the contract's obligations, if any: its term may
    /// not shrink to leave them outside.
    public func measuredSpan(of id: UUID) async throws -> (CalendarDate, CalendarDate)? {
        let rows = try await scope.query("""
            select min(m.period_start), max(m.period_end)
            from measurements m join obligations o on o.tenant_id = m.tenant_id and o.id = m.obligation_id
            where o.tenant_id = \(tenantID) and o.contract_id = \(id)
            """)
        for try await (first, last) in rows.decode((CalendarDate?, CalendarDate?).self) {
            guard let first, let last else { return nil }
            return (first, last)
        }
        return nil
    }
}
