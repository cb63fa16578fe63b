public import Domain
public import Foundation
import PostgresNIO

/// A tenant's onboarding checklist: the marks operators recorded (`onboarding_steps`) merged with
/// what the tenant's own tables show (a subscription, an owner invited, an owner who accepted, an
/// SSO configuration), so those steps tick themselves.
public struct OnboardingStore: Sendable {
    let scope: TenantScope
    public init(_ scope: TenantScope) { self.scope = scope }

    public func checklist() async throws -> OnboardingChecklist {
        OnboardingChecklist(recorded: try await recorded(), observed: try await observed())
    }

    /// Records `mark` on `step` (nil clears it); the caller checked it with `OnboardingChecklist.check`.
    public func mark(_ step: OnboardingStep, _ mark: OnboardingMark?, by actor: String, at now: Date) async throws {
        guard let mark else {
            try await scope.query("delete from onboarding_steps where tenant_id = \(scope.tenantID) and step = \(step.rawValue)")
            return
        }
        try await scope.query("""
            insert into onboarding_steps (tenant_id, step, mark, marked_by, marked_at)
            values (\(scope.tenantID), \(step.rawValue), \(mark.rawValue), \(actor), \(now))
            on conflict (tenant_id, step) do update
            set mark = excluded.mark, marked_by = excluded.marked_by, marked_at = excluded.marked_at
            where onboarding_steps.mark <> excluded.mark
            """)
    }

    private func recorded() async throws -> [OnboardingStep: OnboardingRecord] {
        let rows = try await scope.query("""
            select step, mark, marked_by, marked_at from onboarding_steps where tenant_id = \(scope.tenantID)
            """)
        var marks: [OnboardingStep: OnboardingRecord] = [:]
        for try await (step, mark, by, at) in rows.decode((String, String, String, Date).self) {
            guard let step = OnboardingStep(rawValue: step), let mark = OnboardingMark(rawValue: mark) else {
                throw CorruptRow(table: "onboarding_steps", id: scope.tenantID.uuid)
            }
            marks[step] = OnboardingRecord(mark: mark, by: by, at: at)
        }
        return marks
    }

    /// When each observed step happened, from the tenant's own rows (one statement, every part
    /// bound to the tenant).
    private func observed() async throws -> [OnboardingStep: Date] {
        let tenant = scope.tenantID
        let rows = try await scope.query("""
            select (select min(created_at) from subscriptions where tenant_id = \(tenant)),
                   (select min(created_at) from members where tenant_id = \(tenant) and role = 'owner'),
                   (select min(activated_at) from members where tenant_id = \(tenant) and role = 'owner' and status = 'active'),
                   (select min(created_at) from sso_configs where tenant_id = \(tenant))
            """)
        var seen: [OnboardingStep: Date] = [:]
        for try await (plan, invited, accepted, sso) in rows.decode((Date?, Date?, Date?, Date?).self) {
            seen[.planChosen] = plan
            seen[.ownerInvited] = invited
            seen[.ownerAccepted] = accepted
            seen[.ssoConfigured] = sso
        }
        return seen
    }
}
