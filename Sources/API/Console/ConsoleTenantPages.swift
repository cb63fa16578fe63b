import APIDefinition
import Auth
import Domain
import Foundation
import Persistence
import UseCases

/// What the tenants page and a tenant's page show, read through the platform operations.
extension ConsoleApp {
    struct TenantRow {
        let id, slug, name, status, plan, managers, usage: String
        let stepsDone, stepsTotal: Int
    }

    struct TenantsPage {
        let scope: String
        let tenants: [TenantRow]
        let nextCursor: String?
    }

    func tenantsPage(_ viewer: SignedIn, cursor: String?) async throws -> TenantsPage {
        let page = try await asOperator(viewer, Operations.ListPlatformTenants.id) {
            try await handler.listPlatformTenants(.init(query: .init(limit: 50, cursor: cursor))).ok.body.json
        }
        var rows: [TenantRow] = []
        for tenant in page.items {
            let checklist = try await asOperator(viewer, Operations.GetPlatformTenantOnboarding.id) {
                try await handler.getPlatformTenantOnboarding(.init(path: .init(tenantId: tenant.id))).ok.body.json
            }
            let (usage, _) = try await periodUsage(viewer, tenant.id, perDay: false)
            rows.append(TenantRow(
                id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status.rawValue,
                plan: tenant.plan.isEmpty ? "none" : tenant.plan, managers: Self.managers(tenant),
                usage: usage.map(Self.requestsAgainstPlan) ?? "no subscription",
                stepsDone: checklist.steps.filter { $0.state != .pending }.count, stepsTotal: checklist.steps.count))
        }
        let scope = viewer.isAdmin ? "Every tenant of the platform." : "The tenants you look after."
        return TenantsPage(scope: scope, tenants: rows, nextCursor: page.nextCursor)
    }

    struct StepRow {
        let step, title, state, by, at, tenantId, csrf: String
        let mandatory, observed, skippable, editable, canTick, canReset: Bool
    }

    struct DayRow { let day: String; let calls: Int64 }

    struct InvoiceRow { let number, period, status, total, paid: String }

    struct Invitation { let email, token, expiresAt: String }

    struct TenantPage {
        let tenant: Components.Schemas.PlatformTenant
        let managers: String
        let csrf: String
        let checklistSummary: String
        let steps: [StepRow]
        let invitable: Bool
        let invitation: Invitation?
        let moves: [String]
        let hasMoves: Bool
        let period: String?
        let usageSummary: String
        let chart: String
        let days: [DayRow]
        let invoices: [InvoiceRow]
    }

    func tenantPage(_ viewer: SignedIn, _ id: String, invitation: Invitation? = nil) async throws -> TenantPage {
        let tenant = try await asOperator(viewer, Operations.GetPlatformTenant.id) {
            try await handler.getPlatformTenant(.init(path: .init(tenantId: id))).ok.body.json
        }
        let checklist = try await asOperator(viewer, Operations.GetPlatformTenantOnboarding.id) {
            try await handler.getPlatformTenantOnboarding(.init(path: .init(tenantId: id))).ok.body.json
        }
        let (usage, days) = try await periodUsage(viewer, id, perDay: true)
        let invoices = try await asOperator(viewer, Operations.GetPlatformTenant.id) {
            try await handler.onPlatformTenant(id) { platform in
                try await InvoiceStore(platform.scope).latest(limit: 24)
            }
        }
        let status = TenantStatus(rawValue: tenant.status.rawValue) ?? .deleted
        let onboarding = status == .provisioning || status == .onboarding
        let steps = checklist.steps.map { step in
            StepRow(step: step.step.rawValue, title: step.title, state: step.state.rawValue, by: step.by ?? "",
                    at: step.at.map(Self.timestamp) ?? "", tenantId: tenant.id, csrf: viewer.session.csrfToken,
                    mandatory: step.mandatory, observed: step.observed, skippable: step.skippable && step.state != .skipped,
                    editable: onboarding && (!step.observed || step.skippable),
                    canTick: !step.observed && step.state != .done,
                    canReset: step.state != .pending && !(step.observed && step.state == .done))
        }
        let missing = checklist.missingSteps.map(\.rawValue)
        let summary = checklist.complete ? "Every mandatory step is done or skipped: the tenant can be activated."
            : "Still open before activation: " + missing.joined(separator: ", ") + "."
        let moves = TenantLifecycle.allowedMoves(from: status).map(\.rawValue)
        return TenantPage(
            tenant: tenant, managers: Self.managers(tenant), csrf: viewer.session.csrfToken, checklistSummary: summary,
            steps: steps, invitable: onboarding, invitation: invitation, moves: moves, hasMoves: !moves.isEmpty,
            period: usage.map { "\($0.period.start) to \($0.period.end.adding(days: -1))" },
            usageSummary: usage.map(Self.requestsAgainstPlan) ?? "", chart: ConsoleChart.bars(days),
            days: days.map { DayRow(day: $0.day.description, calls: $0.calls) },
            invoices: invoices.map { invoice in
                InvoiceRow(number: invoice.number.map(String.init) ?? "draft",
                           period: "\(invoice.period.start) to \(invoice.period.end.adding(days: -1))",
                           status: invoice.status.rawValue, total: Self.money(invoice.total, invoice.currency),
                           paid: Self.money(invoice.paid, invoice.currency))
            })
    }

    /// The tenant's usage in the billing period it is in, and (with `perDay`) its API requests per
    /// day of the period so far, days without any included.
    func periodUsage(_ viewer: SignedIn, _ id: String, perDay: Bool) async throws
        -> (PeriodUsage?, [(day: CalendarDate, calls: Int64)]) {
        try await asOperator(viewer, Operations.GetPlatformTenant.id) {
            try await handler.onPlatformTenant(id) { platform in
                let now = platform.environment.now()
                let today = CalendarDate(utcDate: now)
                guard let usage = try await PeriodUsage.current(platform.scope, today: today, now: now,
                                                                newID: platform.environment.newID) else { return (nil, []) }
                guard perDay else { return (usage, []) }
                var calls: [CalendarDate: Int64] = [:]
                for line in try await UsageStore(platform.scope).report(from: usage.period.start, to: today) {
                    calls[line.day, default: 0] += line.calls
                }
                let days = (0...max(0, today.daysSinceEpoch - usage.period.start.daysSinceEpoch)).map { offset in
                    let day = usage.period.start.adding(days: offset)
                    return (day: day, calls: calls[day] ?? 0)
                }
                return (usage, days)
            }
        }
    }

    static func managers(_ tenant: Components.Schemas.PlatformTenant) -> String {
        tenant.accountManagers.isEmpty ? "none" : tenant.accountManagers.map(\.email).joined(separator: ", ")
    }

    static func requestsAgainstPlan(_ usage: PeriodUsage) -> String {
        guard let requests = usage.metrics.first(where: { $0.metric == .apiRequests }) else { return "not metered" }
        return "\(requests.used) of \(requests.included) included" + (requests.overage > 0 ? " (\(requests.overage) over)" : "")
    }

    static func money(_ minor: Int64, _ currency: String) -> String {
        let sign = minor < 0 ? "-" : ""
        let units = abs(minor)
        return "\(currency) \(sign)\(units / 100).\(String(format: "%02d", Int(units % 100)))"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// API requests per day as a bar chart in SVG, drawn on the server (no script); the table beside
/// it gives the same numbers for screen readers and print.
enum ConsoleChart {
    static func bars(_ days: [(day: CalendarDate, calls: Int64)]) -> String {
        let height = 120.0, barWidth = 14.0, gap = 4.0
        let peak = max(1, days.map(\.calls).max() ?? 1)
        var svg = #"<svg class="chart" role="img" aria-label="API requests per day" width="\#(Int(Double(max(days.count, 1)) * (barWidth + gap)) + 40)" height="\#(Int(height) + 30)" xmlns="http://www.w3.org/2000/svg">"#
        svg += #"<text x="0" y="10">\#(peak)</text>"#
        for (index, day) in days.enumerated() {
            let barHeight = height * Double(day.calls) / Double(peak)
            let x = 30 + Double(index) * (barWidth + gap)
            svg += #"<rect x="\#(x)" y="\#(height - barHeight + 12)" width="\#(barWidth)" height="\#(barHeight)"><title>\#(day.day): \#(day.calls)</title></rect>"#
            if index % 7 == 0 { svg += #"<text x="\#(x)" y="\#(height + 26)">\#(day.day.day)</text>"# }
        }
        return svg + "</svg>"
    }
}
