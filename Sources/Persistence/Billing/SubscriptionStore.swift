public import Domain
public import Foundation
import PostgresNIO

/// One stretch of a tenant's subscription: a plan version from a day until the day the next starts.
public struct SubscriptionRecord: Sendable, Equatable {
    public let id: UUID
    public let plan: PlanVersion
    public let startsOn: CalendarDate
    /// The first day no longer in force; nil for the last stretch.
    public let endsOn: CalendarDate?
    public let anchorDay: Int
    public let createdAt: Date

    public func isInForce(on day: CalendarDate) -> Bool { startsOn <= day && endsOn.map { day < $0 } ?? true }
}

/// A plan change that the subscription's history does not allow; `reason` says why.
public struct RefusedPlanChange: Error, Equatable {
    public let reason: String
}

/// `subscriptions`: which plan version a tenant is on, from when (docs/DOMAIN.md, "Billing and usage").
/// The stretches follow one another without gaps: a change closes the last stretch on the day the
/// new one starts. Every change locks the tenant's last stretch first, so two changes made at once
/// are applied one after the other.
public struct SubscriptionStore: Sendable {
    public let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    private var plans: PlanStore { PlanStore(connection: scope.connection, logger: scope.logger) }

    /// Every stretch, oldest first, with its plan version.
    public func history() async throws -> [SubscriptionRecord] {
        let rows = try await scope.query("""
            select id, plan_id, starts_on, ends_on, anchor_day, created_at from subscriptions
            where tenant_id = \(scope.tenantID) order by starts_on
            """)
        var stored: [(UUID, UUID, CalendarDate, CalendarDate?, Int16, Date)] = []
        for try await row in rows.decode((UUID, UUID, CalendarDate, CalendarDate?, Int16, Date).self) { stored.append(row) }
        let versions = try await plans.find(ids: Array(Set(stored.map(\.1))))
        return try stored.map { id, planID, startsOn, endsOn, anchorDay, createdAt in
            guard let plan = versions[planID] else { throw CorruptRow(table: "subscriptions", id: id) }
            return SubscriptionRecord(id: id, plan: plan, startsOn: startsOn, endsOn: endsOn, anchorDay: Int(anchorDay),
                                      createdAt: createdAt)
        }
    }

    /// The stretch in force on `day`, or nil before the first starts.
    public func inForce(on day: CalendarDate) async throws -> SubscriptionRecord? {
        try await history().last { $0.isInForce(on: day) }
    }

    /// A new tenant's first stretch: `plan` from `day`, billed from that day of each month (the 28th
    /// for a tenant that starts on the 29th to 31st).
    @discardableResult
    public func start(on plan: PlanVersion, from day: CalendarDate, id: UUID) async throws -> SubscriptionRecord {
        let anchorDay = min(day.day, BillingPeriod.anchorDays.upperBound)
        try await scope.query("""
            insert into subscriptions (tenant_id, id, plan_id, starts_on, anchor_day)
            values (\(scope.tenantID), \(id), \(plan.id), \(day), \(Int16(anchorDay)))
            """)
        return try await history().last!
    }

    /// Moves the tenant to `plan` from `day` (never before `today`: a period already billed is not
    /// rewritten). A change on the day the last stretch starts replaces that stretch's plan; a later
    /// day closes it and starts a new one, keeping the billing anchor. Refused when a stretch starts
    /// after `day` (a change already scheduled) or when the currency would change.
    @discardableResult
    public func change(to plan: PlanVersion, from day: CalendarDate, today: CalendarDate, id: UUID) async throws -> SubscriptionRecord {
        guard day >= today else {
            throw RefusedPlanChange(reason: "a plan change takes effect today or later, not on \(day)")
        }
        var lastID: UUID?
        for try await id in try await scope.query("""
            select id from subscriptions where tenant_id = \(scope.tenantID) and ends_on is null for update
            """).decode(UUID.self) { lastID = id }
        let history = try await history()
        guard let lastID, let last = history.first(where: { $0.id == lastID }) else {
            return try await start(on: plan, from: day, id: id)
        }
        guard day >= last.startsOn else {
            throw RefusedPlanChange(reason: "a change to \(last.plan.code) is scheduled from \(last.startsOn); a new change must take effect on or after it")
        }
        guard plan.terms.currency == last.plan.terms.currency else {
            throw RefusedPlanChange(reason: "plan \(plan.code) is priced in \(plan.terms.currency), the subscription in \(last.plan.terms.currency)")
        }
        if day == last.startsOn {
            try await scope.query("""
                update subscriptions set plan_id = \(plan.id) where tenant_id = \(scope.tenantID) and id = \(last.id)
                """)
        } else {
            try await scope.query("""
                update subscriptions set ends_on = \(day) where tenant_id = \(scope.tenantID) and id = \(last.id)
                """)
            try await scope.query("""
                insert into subscriptions (tenant_id, id, plan_id, starts_on, anchor_day)
                values (\(scope.tenantID), \(id), \(plan.id), \(day), \(Int16(last.anchorDay)))
                """)
        }
        return try await self.history().last!
    }
}
