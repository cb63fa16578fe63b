import APIDefinition
import Domain
import Foundation
import Persistence
import UseCases

/// Between the generated wire types and plans and subscriptions.
enum BillingMapping {
    static func plan(_ version: PlanVersion) -> Components.Schemas.Plan {
        let terms = version.terms
        return Components.Schemas.Plan(
            id: version.id.wire, code: terms.code, version: version.version, name: terms.name, currency: terms.currency,
            baseFee: terms.baseFee, rateLimit: .init(requestsPerSecond: terms.rateLimit.requestsPerSecond, burst: terms.rateLimit.burst),
            metrics: metrics(terms.metrics), createdAt: version.createdAt, archivedAt: version.archivedAt)
    }

    static func metrics(_ metrics: [BillingMetric: MetricTerms]) -> Components.Schemas.PlanMetrics {
        func wire(_ metric: BillingMetric) -> Components.Schemas.MetricTerms? {
            metrics[metric].map { terms in
                Components.Schemas.MetricTerms(
                    included: terms.included, hardQuota: terms.hardQuota,
                    tiers: terms.tiers.map { .init(upTo: $0.upTo, unitPrice: $0.unitPrice, per: $0.per) })
            }
        }
        return Components.Schemas.PlanMetrics(apiRequests: wire(.apiRequests), activeProjects: wire(.activeProjects),
                                              members: wire(.members), apiClients: wire(.apiClients))
    }

    /// The terms a plan body states; their rules are checked by `PlanTerms.check` when stored.
    static func terms(_ body: Components.Schemas.PlanDefinition) -> PlanTerms {
        func terms(_ wire: Components.Schemas.MetricTerms?) -> MetricTerms? {
            wire.map { wire in
                MetricTerms(included: wire.included ?? 0,
                            tiers: (wire.tiers ?? []).map { PriceTier(upTo: $0.upTo, unitPrice: $0.unitPrice, per: $0.per ?? 1) },
                            hardQuota: wire.hardQuota)
            }
        }
        let wire = body.metrics
        let pairs: [(BillingMetric, MetricTerms?)] = [
            (.apiRequests, terms(wire?.apiRequests)), (.activeProjects, terms(wire?.activeProjects)),
            (.members, terms(wire?.members)), (.apiClients, terms(wire?.apiClients)),
        ]
        return PlanTerms(code: body.code, name: body.name, currency: body.currency, baseFee: body.baseFee,
                         metrics: Dictionary(uniqueKeysWithValues: pairs.compactMap { metric, terms in terms.map { (metric, $0) } }),
                         rateLimit: RateLimitPolicy(requestsPerSecond: body.rateLimit.requestsPerSecond, burst: body.rateLimit.burst))
    }

    static func subscription(_ history: [SubscriptionRecord], today: CalendarDate) throws -> Components.Schemas.Subscription {
        guard let first = history.first else { throw APIProblem.notFound("Subscription") }
        let current = history.last { $0.isInForce(on: today) } ?? first
        let scheduled = history.last.flatMap { $0.startsOn > today ? $0 : nil }
        let period = BillingPeriod(containing: max(today, first.startsOn), anchorDay: current.anchorDay)
        return Components.Schemas.Subscription(
            plan: plan(current.plan), anchorDay: current.anchorDay,
            currentPeriod: .init(start: period.start.description, end: period.end.description),
            scheduledChange: scheduled.map(stretch), history: history.map(stretch))
    }

    static func stretch(_ record: SubscriptionRecord) -> Components.Schemas.SubscriptionStretch {
        .init(planCode: record.plan.code, planVersion: record.plan.version, startsOn: record.startsOn.description,
              endsOn: record.endsOn?.description)
    }

    static func summary(_ usage: PeriodUsage) -> Components.Schemas.UsageSummary {
        typealias Metric = Components.Schemas.MetricUsage.MetricPayload
        return Components.Schemas.UsageSummary(
            period: .init(start: usage.period.start.description, end: usage.period.end.description),
            planCode: usage.plan.code, planVersion: usage.plan.version, currency: usage.plan.terms.currency,
            baseFee: usage.plan.terms.baseFee,
            metrics: usage.metrics.map { metric in
                .init(metric: Metric(rawValue: metric.metric.rawValue)!, used: metric.used, included: metric.included,
                      hardQuota: metric.hardQuota, overage: metric.overage, overageAmount: metric.overageAmount,
                      projected: metric.projected, projectedAmount: metric.projectedAmount)
            },
            projectedTotal: usage.projectedTotal,
            alerts: usage.alerts.map { alert, recordedAt in
                .init(metric: .init(rawValue: alert.metric.rawValue)!, threshold: .init(rawValue: alert.threshold)!,
                      used: alert.used, included: alert.included, recordedAt: recordedAt)
            })
    }
}

extension BillingMapping {
    static func invoice(_ record: InvoiceRecord, tenantID: TenantID, lines: [InvoiceLineRecord]? = nil,
                        payments: [InvoicePaymentRecord]? = nil) -> Components.Schemas.Invoice {
        Components.Schemas.Invoice(
            id: record.id.wire, tenantId: tenantID.uuid.wire,
            period: .init(start: record.period.start.description, end: record.period.end.description),
            currency: record.currency, total: record.total, paid: record.paid,
            status: Components.Schemas.InvoiceStatus(rawValue: record.status.rawValue)!, number: record.number,
            issuedAt: record.issuedAt, paidAt: record.paidAt, voidedAt: record.voidedAt, voidReason: record.voidReason,
            createdAt: record.createdAt,
            lines: lines?.map { line in
                .init(position: line.position, kind: .init(rawValue: line.line.kind.rawValue)!,
                      metric: line.line.metric.flatMap { .init(rawValue: $0.rawValue) }, description: line.line.description,
                      quantity: line.line.quantity, unitPrice: line.line.unitPrice, per: line.line.per, amount: line.line.amount)
            },
            payments: payments?.map { .init(amount: $0.amount, paidOn: $0.paidOn.description, reference: $0.reference) })
    }

    /// RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a line break.
    static func linesCSV(_ lines: [InvoiceLineRecord]) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var rows = ["position,kind,metric,description,quantity,unit_price,per,amount"]
        for line in lines {
            rows.append([String(line.position), line.line.kind.rawValue, line.line.metric?.rawValue ?? "", field(line.line.description),
                         String(line.line.quantity), String(line.line.unitPrice), String(line.line.per),
                         String(line.line.amount)].joined(separator: ","))
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}
