import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// The platform API's tenants: account managers see and change the tenants assigned to them,
/// platform admins every tenant; neither sees tenant data through it. Every write is on the
/// platform audit log and on the tenant's own.
extension APIHandler {
    func listPlatformTenants(_ input: Operations.ListPlatformTenants.Input) async throws -> Operations.ListPlatformTenants.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let today = CalendarDate(utcDate: session.environment.now())
        let page = try await session.platform { principal, database in
            try await database.withConnection { connection in
                try await PlatformTenantStore(connection: connection, logger: database.logger, principal: principal)
                    .tenants(after: cursor, limit: limit + 1, today: today)
            }
        }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(Self.platformTenant), nextCursor: next))))
    }

    func getPlatformTenant(_ input: Operations.GetPlatformTenant.Input) async throws -> Operations.GetPlatformTenant.Output {
        let tenant = try await onPlatformTenant(input.path.tenantId) { platform in try await platform.completed(platform.tenant) }
        return .ok(.init(body: .json(tenant)))
    }

    func createPlatformTenant(_ input: Operations.CreatePlatformTenant.Input) async throws -> Operations.CreatePlatformTenant.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        checks.require(TenantSlug.isValid(body.slug), "/slug", "must match ^[a-z0-9][a-z0-9-]{1,62}$")
        checks.requireName(body.name)
        try checks.throwIfAny()
        let environment = session.environment
        let id = TenantID(environment.newID())
        let today = CalendarDate(utcDate: environment.now())
        let tenant = try await session.platform { principal, database in
            try await database.tenantTransaction(id) { scope in
                let plan = try await PlanStore(connection: scope.connection, logger: scope.logger).subscribable(code: body.plan)
                let store = PlatformTenantStore(connection: scope.connection, logger: scope.logger, principal: principal)
                let created = try await store.create(in: scope, slug: body.slug, name: body.name, at: environment.now())
                try await SubscriptionStore(scope).start(on: plan, from: today, id: environment.newID())
                let platform = PlatformTenantContext(scope: scope, principal: principal, tenant: created, store: store,
                                                     environment: environment)
                try await platform.audit(Operations.CreatePlatformTenant.id, changed: ["slug", "name", "plan", "status"])
                return try await platform.completed(created)
            }
        }
        return .created(.init(headers: .init(location: "/v1/platform/tenants/\(tenant.id)"), body: .json(tenant)))
    }

    func updatePlatformTenant(_ input: Operations.UpdatePlatformTenant.Input) async throws -> Operations.UpdatePlatformTenant.Output {
        let patch: Components.Schemas.PlatformTenantPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        var checks = FieldChecks()
        checks.requireName(patch.name)
        try checks.throwIfAny()
        let tenant = try await onPlatformTenant(input.path.tenantId, locking: true) { platform in
            guard let name = patch.name, name != platform.tenant.name else { return try await platform.completed(platform.tenant) }
            let updated = try await platform.store.update(in: platform.scope, name: name, status: nil, reason: nil,
                                                          at: platform.environment.now())
            try await platform.audit(Operations.UpdatePlatformTenant.id, changed: ["name"])
            return try await platform.completed(updated)
        }
        return .ok(.init(body: .json(tenant)))
    }

    func changePlatformTenantStatus(_ input: Operations.ChangePlatformTenantStatus.Input) async throws
        -> Operations.ChangePlatformTenantStatus.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let target = TenantStatus(rawValue: body.status.rawValue)!
        var checks = FieldChecks()
        checks.requireReason(body.reason)
        try checks.throwIfAny()
        let tenant = try await onPlatformTenant(input.path.tenantId, locking: true) { platform in
            let current = platform.tenant.status
            try TenantLifecycle.check(from: current, to: target)
            if TenantLifecycle.needsReason(from: current, to: target), body.reason == nil {
                throw ValidationFailure([FieldError(pointer: "/reason", detail: "is required to move a tenant from \(current.rawValue) to \(target.rawValue)")])
            }
            if target == .active, current == .onboarding {
                let missing = try await OnboardingStore(platform.scope).checklist().missingMandatory
                guard missing.isEmpty else { throw OnboardingIncomplete(missing: missing) }
            }
            let updated = try await platform.store.update(in: platform.scope, name: nil, status: target, reason: body.reason,
                                                          at: platform.environment.now())
            try await platform.audit(Operations.ChangePlatformTenantStatus.id, changed: ["status"], reason: body.reason)
            return try await platform.completed(updated)
        }
        return .ok(.init(body: .json(tenant)))
    }

    func assignPlatformAccountManager(_ input: Operations.AssignPlatformAccountManager.Input) async throws
        -> Operations.AssignPlatformAccountManager.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        guard let manager = UUID(uuidString: body.operatorId) else {
            throw ValidationFailure([FieldError(pointer: "/operatorId", detail: "must be an operator id")])
        }
        return .ok(.init(body: .json(try await assignment(input.path.tenantId, manager, assign: true,
                                                          Operations.AssignPlatformAccountManager.id))))
    }

    func unassignPlatformAccountManager(_ input: Operations.UnassignPlatformAccountManager.Input) async throws
        -> Operations.UnassignPlatformAccountManager.Output {
        guard let manager = UUID(uuidString: input.path.operatorId) else {
            throw APIProblem.notFound("Account manager \(input.path.operatorId) of this tenant")
        }
        return .ok(.init(body: .json(try await assignment(input.path.tenantId, manager, assign: false,
                                                          Operations.UnassignPlatformAccountManager.id))))
    }

    /// Assigns or unassigns an account manager (platform admins only, checked by scope and again by
    /// the store); a change is audited, a repeat is not.
    private func assignment(_ tenantReference: String, _ manager: UUID, assign: Bool, _ operation: String) async throws
        -> Components.Schemas.PlatformTenant {
        try await onPlatformTenant(tenantReference, locking: true) { platform in
            switch try await platform.store.assign(manager, in: platform.scope, assign) {
            case .done:
                try await platform.audit(operation, resourceType: "account_manager", resourceID: manager, changed: ["assigned"])
            case .unchanged where !assign:
                throw APIProblem.notFound("Account manager \(manager.wire) of this tenant")
            case .unchanged:
                break
            case .notAccountManager:
                throw ValidationFailure([FieldError(pointer: "/operatorId", detail: "names no operator whose role is account_manager")])
            case .notAdmin:
                throw AuthFailure.insufficientScope(required: .platformAdmin)
            }
            return try await platform.completed(platform.tenant)
        }
    }

    func invitePlatformTenantOwner(_ input: Operations.InvitePlatformTenantOwner.Input) async throws
        -> Operations.InvitePlatformTenantOwner.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let email = EmailAddress.normalize(body.email)
        checks.require(email != nil, "/email", "must be an e-mail address: printable ASCII, one @, 3–254 characters")
        checks.requireName(body.name)
        try checks.throwIfAny()
        // Not locking: the invitation's directory entry is written by an owner function.
        let (member, invitation) = try await onPlatformTenant(input.path.tenantId) { platform in
            try Self.requireOnboarding(platform.tenant, to: "invite its first owner")
            let now = platform.environment.now()
            try await QuotaGuard(platform.scope).require(.members, today: CalendarDate(utcDate: now))
            let (member, invitation) = try await MemberStore(platform.scope).invite(
                id: platform.environment.newID(), email: email!, name: body.name, role: .owner, at: now,
                expiresAt: now.addingTimeInterval(Invitation.lifetime))
            try await platform.audit(Operations.InvitePlatformTenantOwner.id, resourceType: Self.member.auditType,
                                     resourceID: member.id, changed: ["email", "name", "role"])
            return (member, invitation)
        }
        return .created(.init(body: .json(.init(member: Self.member.render(member),
                                                invitation: .init(token: invitation.token, expiresAt: member.invitationExpiresAt!)))))
    }

    /// Onboarding work (the first owner, the checklist) happens before the tenant is active.
    static func requireOnboarding(_ tenant: PlatformTenantRecord, to action: String) throws {
        guard tenant.status == .provisioning || tenant.status == .onboarding else {
            throw APIProblem(status: 409, type: "tenant-state", title: "Not allowed in the tenant's status",
                             detail: "The tenant is \(tenant.status.rawValue): only a provisioning or onboarding tenant can \(action).",
                             allowed: [TenantStatus.provisioning.rawValue, TenantStatus.onboarding.rawValue])
        }
    }

    static func platformTenant(_ record: PlatformTenantRecord) -> Components.Schemas.PlatformTenant {
        Components.Schemas.PlatformTenant(
            id: record.id.wire, slug: record.slug, name: record.name, plan: record.plan,
            status: .init(rawValue: record.status.rawValue)!, statusReason: record.statusReason,
            statusChangedAt: record.statusChangedAt,
            accountManagers: record.accountManagers.map { .init(operatorId: $0.id.wire, email: $0.email) },
            createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}
