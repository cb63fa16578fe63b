import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// The plan catalogue (platform admins write it; every operator reads it) and the subscriptions of
/// the tenants an operator looks after.
extension APIHandler {
    func listPlatformPlans(_ input: Operations.ListPlatformPlans.Input) async throws -> Operations.ListPlatformPlans.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.platform { _, database in
            try await database.withConnection { connection in
                try await PlanStore(connection: connection, logger: database.logger)
                    .page(after: cursor, limit: limit + 1, includeArchived: input.query.includeArchived ?? false)
            }
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(BillingMapping.plan), nextCursor: next))))
    }

    func createPlatformPlan(_ input: Operations.CreatePlatformPlan.Input) async throws -> Operations.CreatePlatformPlan.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let outcome = try await define(BillingMapping.terms(body), requireNew: true, operation: Operations.CreatePlatformPlan.id)
        return .created(.init(headers: .init(location: "/v1/platform/plans/\(outcome.plan.code)"),
                              body: .json(BillingMapping.plan(outcome.plan))))
    }

    func getPlatformPlan(_ input: Operations.GetPlatformPlan.Input) async throws -> Operations.GetPlatformPlan.Output {
        let code = input.path.planCode
        let found = try await session.platform { _, database in
            try await database.withConnection { connection in
                try await PlanStore(connection: connection, logger: database.logger).find(code: code, version: input.query.version)
            }
        }
        guard let found else {
            throw APIProblem.notFound("Plan \(code)" + (input.query.version.map { " version \($0)" } ?? ""))
        }
        return .ok(.init(body: .json(BillingMapping.plan(found))))
    }

    func addPlatformPlanVersion(_ input: Operations.AddPlatformPlanVersion.Input) async throws -> Operations.AddPlatformPlanVersion.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let code = input.path.planCode
        guard body.code == code else {
            throw ValidationFailure([FieldError(pointer: "/code", detail: "must be the plan's code in the path (\(code))")])
        }
        let exists = try await session.platform { _, database in
            try await database.withConnection { connection in
                try await PlanStore(connection: connection, logger: database.logger).latest(code: code, includeArchived: true) != nil
            }
        }
        guard exists else { throw APIProblem.notFound("Plan \(code)") }
        switch try await define(BillingMapping.terms(body), requireNew: false, operation: Operations.AddPlatformPlanVersion.id) {
        case .created(let plan):
            return .created(.init(headers: .init(location: "/v1/platform/plans/\(plan.code)"), body: .json(BillingMapping.plan(plan))))
        case .unchanged(let plan):
            return .ok(.init(body: .json(BillingMapping.plan(plan))))
        }
    }

    func archivePlatformPlan(_ input: Operations.ArchivePlatformPlan.Input) async throws -> Operations.ArchivePlatformPlan.Output {
        let code = input.path.planCode
        let environment = session.environment
        let now = environment.now()
        let versions = try await session.platform { principal, database in
            try await database.transaction { connection in
                let versions: [PlanVersion]
                do {
                    versions = try await PlanStore(connection: connection, logger: database.logger).archive(code: code, at: now)
                } catch is UnknownPlan {
                    throw APIProblem.notFound("Plan \(code)")
                }
                try await Self.platformAudit(principal, Operations.ArchivePlatformPlan.id, tenant: nil, resourceType: "plan",
                                             resourceID: code, changed: ["archivedAt"], environment: environment,
                                             on: connection, logger: database.logger)
                return versions
            }
        }
        return .ok(.init(body: .json(BillingMapping.plan(versions.last!))))
    }

    func getPlatformTenantSubscription(_ input: Operations.GetPlatformTenantSubscription.Input) async throws
        -> Operations.GetPlatformTenantSubscription.Output {
        let today = CalendarDate(utcDate: session.environment.now())
        let history = try await onPlatformTenant(input.path.tenantId) { platform in try await SubscriptionStore(platform.scope).history() }
        return .ok(.init(body: .json(try BillingMapping.subscription(history, today: today))))
    }

    func changePlatformTenantSubscription(_ input: Operations.ChangePlatformTenantSubscription.Input) async throws
        -> Operations.ChangePlatformTenantSubscription.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let environment = session.environment
        let today = CalendarDate(utcDate: environment.now())
        var checks = FieldChecks()
        let day = checks.date(body.effectiveOn, at: "/effectiveOn") ?? today
        try checks.throwIfAny()
        let history = try await onPlatformTenant(input.path.tenantId, writing: true) { platform in
            let plan = try await PlanStore(connection: platform.scope.connection, logger: platform.scope.logger)
                .subscribable(code: body.plan, version: body.version)
            let store = SubscriptionStore(platform.scope)
            try await store.change(to: plan, from: day, today: today, id: environment.newID())
            try await platform.audit(Operations.ChangePlatformTenantSubscription.id, resourceType: "subscription",
                                     changed: ["plan", "effectiveOn"])
            return try await store.history()
        }
        return .ok(.init(body: .json(try BillingMapping.subscription(history, today: today))))
    }

    func listPlatformInvoices(_ input: Operations.ListPlatformInvoices.Input) async throws -> Operations.ListPlatformInvoices.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let status = input.query.status.map { InvoiceStatus(rawValue: $0.rawValue)! }
        let page = try await session.platform { principal, database in
            try await InvoiceStore.forOperator(principal.operatorID, status: status, after: cursor, limit: limit + 1, database: database)
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.1.id)
        return .ok(.init(body: .json(.init(items: items.map { BillingMapping.invoice($0.1, tenantID: $0.0) }, nextCursor: next))))
    }

    func issuePlatformInvoice(_ input: Operations.IssuePlatformInvoice.Input) async throws -> Operations.IssuePlatformInvoice.Output {
        let invoice = try await changeInvoice(input.path.tenantId, input.path.invoiceId, Operations.IssuePlatformInvoice.id) { store, id, now, _ in
            try await store.issue(id, at: now)
        }
        return .ok(.init(body: .json(invoice)))
    }

    func voidPlatformInvoice(_ input: Operations.VoidPlatformInvoice.Input) async throws -> Operations.VoidPlatformInvoice.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.requireReason(body.reason)
        try checks.throwIfAny()
        let invoice = try await changeInvoice(input.path.tenantId, input.path.invoiceId, Operations.VoidPlatformInvoice.id) { store, id, now, _ in
            try await store.void(id, reason: body.reason, at: now)
        }
        return .ok(.init(body: .json(invoice)))
    }

    func recordPlatformInvoicePayment(_ input: Operations.RecordPlatformInvoicePayment.Input) async throws
        -> Operations.RecordPlatformInvoicePayment.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.require(body.amount > 0, "/amount", "must be a positive number of minor units")
        let paidOn = checks.date(body.paidOn, at: "/paidOn")
        checks.require((1...200).contains(body.reference.count), "/reference", "must be 1 to 200 characters")
        try checks.throwIfAny()
        let environment = session.environment
        let invoice = try await changeInvoice(input.path.tenantId, input.path.invoiceId, Operations.RecordPlatformInvoicePayment.id) {
            store, id, now, actor in
            try await store.recordPayment(id, amount: body.amount, paidOn: paidOn!, reference: body.reference,
                                          by: actor, paymentID: environment.newID(), at: now)
        }
        return .ok(.init(body: .json(invoice)))
    }

    /// One invoice's status change for a tenant the operator looks after, audited as the operator.
    private func changeInvoice(_ tenantReference: String, _ invoiceReference: String, _ operation: String,
                               _ change: (InvoiceStore, UUID, Date, _ actor: String) async throws -> InvoiceRecord?) async throws
        -> Components.Schemas.Invoice {
        let id = try Self.invoiceID(invoiceReference)
        let environment = session.environment
        return try await onPlatformTenant(tenantReference) { platform in
            let store = InvoiceStore(platform.scope)
            let actor = PlatformAuditEntry.actor(operator: platform.principal.operatorID)
            guard let changed = try await change(store, id, environment.now(), actor) else { throw Self.invoiceNotFound(invoiceReference) }
            try await platform.audit(operation, resourceType: "invoice", resourceID: id, changed: ["status"])
            return BillingMapping.invoice(changed, tenantID: platform.scope.tenantID, lines: try await store.lines(of: id),
                                          payments: try await store.payments(of: id))
        }
    }

    /// Plan definitions shared by creating a plan and adding a version: one transaction.
    private func define(_ terms: PlanTerms, requireNew: Bool, operation: String) async throws -> PlanStore.Outcome {
        let environment = session.environment
        let id = environment.newID()
        return try await session.platform { principal, database in
            try await database.transaction { connection in
                let outcome = try await PlanStore(connection: connection, logger: database.logger).define(terms, id: id, requireNew: requireNew)
                if case .created(let plan) = outcome {
                    try await Self.platformAudit(principal, operation, tenant: nil, resourceType: "plan", resourceID: plan.code,
                                                 changed: ["version \(plan.version)"], environment: environment,
                                                 on: connection, logger: database.logger)
                }
                return outcome
            }
        }
    }
}
