import APIDefinition
import Auth
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Persistence

/// The console's routes. Pages are GETs; every change is a POST of a form carrying the session's
/// CSRF token, answered with a redirect to the page that shows the result (or, when the platform
/// refuses it, with the refusal as the API states it).
extension ConsoleApp {
    func register<Context: RequestContext>(on router: Router<Context>) {
        let console = router.group("console")
        console.get { _, _ in ConsoleHTTP.redirect("/console/tenants") }
        console.get("sign-in") { request, _ in try await signInForm(request) }
        console.post("sign-in") { request, _ in try await signIn(request) }
        console.post("sign-out") { request, _ in
            try await signedInForm(request) { viewer, _ in
                try await ConsoleSessionStore.signOut(viewer.token, database: database, now: environment.now())
                return ConsoleHTTP.redirect("/console/sign-in", cookies: [
                    ConsoleHTTP.setCookie(ConsoleHTTP.sessionCookie, "", maxAge: 0, secure: secureCookies)])
            }
        }
        console.get("tenants") { request, _ in
            try await signedInPage(request) { viewer in
                let cursor = request.uri.queryParameters.get("cursor")
                return page("tenants", title: "Tenants", try await tenantsPage(viewer, cursor: cursor), for: viewer)
            }
        }
        console.get("tenants/new") { request, _ in
            try await signedInPage(request) { viewer in
                page("new-tenant", title: "Create a tenant", try await newTenantForm(viewer), for: viewer)
            }
        }
        console.post("tenants") { request, _ in
            try await signedInForm(request) { viewer, form in
                let body = Components.Schemas.PlatformTenantCreate(slug: form["slug"] ?? "", name: form["name"] ?? "",
                                                                    plan: form["plan"] ?? "")
                let created = try await asOperator(viewer, Operations.CreatePlatformTenant.id, body: try Self.json(body)) {
                    try await handler.createPlatformTenant(.init(body: .json(body))).created.body.json
                }
                return ConsoleHTTP.redirect("/console/tenants/\(created.id)")
            }
        }
        console.get("tenants/:id") { request, context in
            try await signedInPage(request) { viewer in
                let id = try context.parameters.require("id")
                let tenant = try await tenantPage(viewer, id)
                return page("tenant", title: tenant.tenant.name, tenant, for: viewer,
                            notice: request.uri.queryParameters.get("done").map(Self.notice))
            }
        }
        console.post("tenants/:id/onboarding/:step") { request, context in
            try await signedInForm(request) { viewer, form in
                let id = try context.parameters.require("id")
                guard let step = Components.Schemas.OnboardingStepName(rawValue: try context.parameters.require("step")),
                      let state = Components.Schemas.OnboardingMark.StatePayload(rawValue: form["state"] ?? "") else {
                    throw APIProblem.badRequest("Choose a step and done, skipped or pending.")
                }
                let body = Components.Schemas.OnboardingMark(state: state)
                _ = try await asOperator(viewer, Operations.MarkPlatformTenantOnboardingStep.id, body: try Self.json(body)) {
                    try await handler.markPlatformTenantOnboardingStep(.init(path: .init(tenantId: id, step: step), body: .json(body)))
                        .ok.body.json
                }
                return ConsoleHTTP.redirect("/console/tenants/\(id)?done=step")
            }
        }
        console.post("tenants/:id/status") { request, context in
            try await signedInForm(request) { viewer, form in
                let id = try context.parameters.require("id")
                guard form["confirm"] == "yes" else {
                    throw APIProblem.badRequest("Tick the confirmation to change the tenant's status.",
                                                errors: [FieldError(pointer: "/confirm", detail: "must be ticked")])
                }
                guard let status = Components.Schemas.TenantStatus(rawValue: form["status"] ?? "") else {
                    throw APIProblem.badRequest("Choose the status to move the tenant to.",
                                                errors: [FieldError(pointer: "/status", detail: "must be one of the moves offered")])
                }
                let reason = form["reason"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                let body = Components.Schemas.PlatformTenantStatusChange(status: status, reason: reason)
                _ = try await asOperator(viewer, Operations.ChangePlatformTenantStatus.id, body: try Self.json(body)) {
                    try await handler.changePlatformTenantStatus(.init(path: .init(tenantId: id), body: .json(body))).ok.body.json
                }
                return ConsoleHTTP.redirect("/console/tenants/\(id)?done=status")
            }
        }
        console.post("tenants/:id/owner-invitation") { request, context in
            try await signedInForm(request) { viewer, form in
                let id = try context.parameters.require("id")
                let name = form["name"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                let body = Components.Schemas.OwnerInvite(email: form["email"] ?? "", name: name)
                let invited = try await asOperator(viewer, Operations.InvitePlatformTenantOwner.id, body: try Self.json(body)) {
                    try await handler.invitePlatformTenantOwner(.init(path: .init(tenantId: id), body: .json(body))).created.body.json
                }
                // Shown once, on this page, never in a URL; if the page around it cannot be read, on
                // a page of its own, since the invitation is made and its token cannot be shown again.
                let invitation = Invitation(email: invited.member.email, token: invited.invitation.token,
                                            expiresAt: Self.timestamp(invited.invitation.expiresAt))
                do {
                    let tenant = try await tenantPage(viewer, id, invitation: invitation)
                    return page("tenant", title: tenant.tenant.name, tenant, for: viewer, status: .created)
                } catch {
                    return page("invitation", title: "Invitation made", invitation, for: viewer, status: .created)
                }
            }
        }
        console.get("audit") { request, _ in
            try await signedInPage(request) { viewer in
                let tenant = request.uri.queryParameters.get("tenantId")
                let cursor = request.uri.queryParameters.get("cursor")
                return page("audit", title: "Platform audit log", try await auditPage(viewer, tenant: tenant, cursor: cursor),
                            for: viewer)
            }
        }
    }

    static func notice(_ done: String) -> String {
        switch done {
        case "step": "The checklist was updated."
        case "status": "The tenant's status was changed."
        default: "Done."
        }
    }

    static func json(_ body: some Encodable) throws -> [UInt8] { Array(try JSONEncoder().encode(body)) }

    // MARK: Sessions

    struct SignInPage { let csrf: String; let failure: String? }

    func signInForm(_ request: Request, failure: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        if failure == nil, try await signedIn(request) != nil { return ConsoleHTTP.redirect("/console/tenants") }
        let token = SecretToken.generate(.consoleSession).secret
        return page("sign-in", title: "Sign in", SignInPage(csrf: token, failure: failure), for: nil, status: status,
                    cookies: [ConsoleHTTP.setCookie(ConsoleHTTP.signInCookie, token, maxAge: 900, secure: secureCookies)])
    }

    func signIn(_ request: Request) async throws -> Response {
        guard Self.isForm(request) else { return try await signInForm(request, failure: "Sign in with the form.", status: .unsupportedMediaType) }
        let form = FormURLEncoding.fields(RequestScope.current?.body.bytes ?? [])
        guard let expected = ConsoleHTTP.cookie(ConsoleHTTP.signInCookie, in: request), !expected.isEmpty,
              ConsoleHTTP.same(form["csrf"], expected) else {
            return try await signInForm(request, failure: "The sign-in form had expired; please sign in again.", status: .forbidden)
        }
        let address = RequestScope.current?.clientAddress
        let now = environment.now()
        let presented = (form["key"] ?? "").trimmingCharacters(in: .whitespaces)
        let source = FailedAuthThrottle.Source(address: address, keyPrefix: SecretToken(token: presented, kind: .operatorKey)?.publicID)
        if let seconds = throttle.retryAfter(source, now: now) {
            return try await signInForm(request, failure: "Too many failed sign-ins; try again in \(seconds) s.",
                                        status: .tooManyRequests)
        }
        guard let key = SecretToken(token: presented, kind: .operatorKey) else {
            throttle.recordFailure(source, now: now)
            return try await signInForm(request, failure: "That is not an operator key (pmo_op_…).", status: .unauthorized)
        }
        do {
            let (token, session) = try await ConsoleSessionStore.signIn(with: key, database: database, now: environment.now())
            return ConsoleHTTP.redirect("/console/tenants", cookies: [
                ConsoleHTTP.setCookie(ConsoleHTTP.sessionCookie, token.token,
                                      maxAge: Int(session.expiresAt.timeIntervalSince(environment.now())), secure: secureCookies),
                ConsoleHTTP.setCookie(ConsoleHTTP.signInCookie, "", maxAge: 0, secure: secureCookies)])
        } catch is AuthFailure {
            throttle.recordFailure(source, now: now)
            return try await signInForm(request, failure: "The key is unknown or revoked, or its operator is disabled.",
                                        status: .unauthorized)
        }
    }

    static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
    }

    /// A page for a signed-in operator; without a good session, the sign-in page.
    func signedInPage(_ request: Request, _ work: (SignedIn) async throws -> Response) async throws -> Response {
        guard let viewer = try await signedIn(request) else { return ConsoleHTTP.redirect("/console/sign-in") }
        do {
            return try await work(viewer)
        } catch {
            return problem(error, for: viewer, back: "/console/tenants")
        }
    }

    /// A form of a signed-in operator: refused (403, nothing done) unless it carries the session's
    /// CSRF token.
    func signedInForm(_ request: Request, _ work: (SignedIn, [String: String]) async throws -> Response) async throws -> Response {
        guard let viewer = try await signedIn(request) else {
            return problem(APIProblem(status: 401, type: "console-session", title: "Not signed in",
                                      detail: "The session has ended; sign in again."), for: nil, back: "/console/sign-in")
        }
        // Back to the tenant's page for a form on it, to the tenants otherwise.
        let parts = request.uri.path.split(separator: "/")
        let back = parts.count >= 3 && parts[1] == "tenants" ? "/" + parts.prefix(3).joined(separator: "/") : "/console/tenants"
        guard Self.isForm(request) else {
            return problem(APIProblem(status: 415, type: "unsupported-media-type", title: "Not a form",
                                      detail: "The console takes application/x-www-form-urlencoded forms."), for: viewer, back: back)
        }
        let form = FormURLEncoding.fields(RequestScope.current?.body.bytes ?? [])
        guard ConsoleHTTP.same(form["csrf"], viewer.session.csrfToken) else {
            return problem(APIProblem(status: 403, type: "csrf", title: "Form refused",
                                      detail: "The form did not carry this session's CSRF token; nothing was changed."),
                           for: viewer, back: back)
        }
        do {
            return try await work(viewer, form)
        } catch {
            return problem(error, for: viewer, back: back)
        }
    }

    // MARK: Other pages

    struct PlanOption { let code, name: String }
    struct NewTenantPage { let csrf: String; let plans: [PlanOption]; let isAccountManager: Bool; let slug, name: String }

    func newTenantForm(_ viewer: SignedIn) async throws -> NewTenantPage {
        let plans = try await asOperator(viewer, Operations.ListPlatformPlans.id) {
            try await handler.listPlatformPlans(.init(query: .init())).ok.body.json
        }
        return NewTenantPage(csrf: viewer.session.csrfToken, plans: plans.items.map { PlanOption(code: $0.code, name: $0.name) },
                             isAccountManager: !viewer.isAdmin, slug: "", name: "")
    }

    struct AuditRow { let occurredAt, actor, operation, changed, reason: String; let tenantId: String? }
    struct AuditPage { let events: [AuditRow]; let tenantFilter: String?; let nextCursor: String? }

    func auditPage(_ viewer: SignedIn, tenant: String?, cursor: String?) async throws -> AuditPage {
        let page = try await asOperator(viewer, Operations.ListPlatformAuditEvents.id) {
            try await handler.listPlatformAuditEvents(.init(query: .init(limit: 100, cursor: cursor, tenantId: tenant))).ok.body.json
        }
        return AuditPage(events: page.items.map { event in
            AuditRow(occurredAt: Self.timestamp(event.occurredAt), actor: event.actor, operation: event.operation,
                     changed: event.changedFields.joined(separator: ", "), reason: event.reason ?? "", tenantId: event.tenantId)
        }, tenantFilter: tenant, nextCursor: page.nextCursor)
    }
}
