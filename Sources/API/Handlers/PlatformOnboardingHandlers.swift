import APIDefinition
import Auth
import Domain
import Foundation
import Persistence

/// A tenant's onboarding checklist on the platform API: operators tick and skip steps by hand,
/// the steps the system observes tick themselves, and activation waits for the mandatory ones.
extension APIHandler {
    func getPlatformTenantOnboarding(_ input: Operations.GetPlatformTenantOnboarding.Input) async throws
        -> Operations.GetPlatformTenantOnboarding.Output {
        let checklist = try await onPlatformTenant(input.path.tenantId) { platform in
            try await OnboardingStore(platform.scope).checklist()
        }
        return .ok(.init(body: .json(Self.onboarding(checklist, tenant: input.path.tenantId))))
    }

    func markPlatformTenantOnboardingStep(_ input: Operations.MarkPlatformTenantOnboardingStep.Input) async throws
        -> Operations.MarkPlatformTenantOnboardingStep.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        let step = OnboardingStep(rawValue: input.path.step.rawValue)!
        let mark = OnboardingMark(rawValue: body.state.rawValue)
        do {
            try OnboardingChecklist.check(mark, on: step)
        } catch .observedStep {
            throw ValidationFailure([FieldError(pointer: "/state", detail: "\(step.rawValue) ticks itself when the system sees it happen"
                                                    + (step.isSkippable ? "; it can only be skipped by hand" : ""))])
        } catch .notSkippable {
            throw ValidationFailure([FieldError(pointer: "/state", detail: "\(step.rawValue) cannot be skipped")])
        }
        let checklist = try await onPlatformTenant(input.path.tenantId, locking: true) { platform in
            try Self.requireOnboarding(platform.tenant, to: "change its onboarding checklist")
            let store = OnboardingStore(platform.scope)
            try await store.mark(step, mark, by: PlatformAuditEntry.actor(operator: platform.principal.operatorID),
                                 at: platform.environment.now())
            try await platform.audit(Operations.MarkPlatformTenantOnboardingStep.id, resourceType: "onboarding_step",
                                     changed: [step.rawValue])
            return try await store.checklist()
        }
        return .ok(.init(body: .json(Self.onboarding(checklist, tenant: input.path.tenantId))))
    }

    static func onboarding(_ checklist: OnboardingChecklist, tenant: String) -> Components.Schemas.OnboardingChecklist {
        Components.Schemas.OnboardingChecklist(
            tenantId: tenant.lowercased(),
            steps: checklist.steps.map { state in
                .init(step: .init(rawValue: state.step.rawValue)!, title: state.step.title, mandatory: state.step.isMandatory,
                      skippable: state.step.isSkippable, observed: state.step.isObserved,
                      state: .init(rawValue: state.state.rawValue)!, by: state.by, at: state.at)
            },
            missingSteps: checklist.missingMandatory.map { .init(rawValue: $0.rawValue)! },
            complete: checklist.isComplete)
    }
}
