import Domain
import Foundation
import Testing

@Suite struct TenantLifecycleTests {
    @Test func theLifecycleRunsOneWayWithSuspensionInBetween() throws {
        try TenantLifecycle.check(from: .provisioning, to: .onboarding)
        try TenantLifecycle.check(from: .onboarding, to: .active)
        try TenantLifecycle.check(from: .active, to: .suspended)
        try TenantLifecycle.check(from: .suspended, to: .active)
        for status in [TenantStatus.provisioning, .onboarding, .active, .suspended] {
            try TenantLifecycle.check(from: status, to: .offboarding)
        }
    }

    @Test func anIllegalMoveNamesTheAllowedOnes() {
        #expect(throws: IllegalTenantMove(from: .provisioning, to: .active, allowed: [.onboarding, .offboarding])) {
            try TenantLifecycle.check(from: .provisioning, to: .active)
        }
        #expect(throws: IllegalTenantMove(from: .active, to: .onboarding, allowed: [.suspended, .offboarding])) {
            try TenantLifecycle.check(from: .active, to: .onboarding)
        }
        #expect(throws: IllegalTenantMove(from: .offboarding, to: .active, allowed: [])) {
            try TenantLifecycle.check(from: .offboarding, to: .active)
        }
    }

    @Test func noStatusChangeDeletesATenantOrStaysPut() {
        for status in TenantStatus.allCases {
            #expect(!TenantLifecycle.allowedMoves(from: status).contains(.deleted), "deleted only by erasing: \(status)")
            #expect(!TenantLifecycle.allowedMoves(from: status).contains(status))
        }
    }

    @Test func suspendingResumingAndOffboardingNeedAReason() {
        #expect(TenantLifecycle.needsReason(from: .active, to: .suspended))
        #expect(TenantLifecycle.needsReason(from: .suspended, to: .active))
        #expect(TenantLifecycle.needsReason(from: .onboarding, to: .offboarding))
        #expect(!TenantLifecycle.needsReason(from: .provisioning, to: .onboarding))
        #expect(!TenantLifecycle.needsReason(from: .onboarding, to: .active))
    }
}

@Suite struct OnboardingChecklistTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ mark: OnboardingMark) -> OnboardingRecord { OnboardingRecord(mark: mark, by: "operator:a", at: at) }

    @Test func aFreshTenantMissesEveryMandatoryStepInOrder() {
        let checklist = OnboardingChecklist(recorded: [:], observed: [:])
        #expect(checklist.steps.map(\.step) == OnboardingStep.allCases)
        #expect(checklist.missingMandatory == [.contractSigned, .planChosen, .ownerInvited, .ownerAccepted,
                                               .ssoConfigured, .dataImported])
        #expect(!checklist.isComplete)
    }

    @Test func observedStepsTickThemselvesAndSkipsCountAsDone() {
        let checklist = OnboardingChecklist(
            recorded: [.contractSigned: record(.done), .dataImported: record(.skipped), .ssoConfigured: record(.skipped)],
            observed: [.planChosen: at, .ownerInvited: at, .ownerAccepted: at])
        #expect(checklist.isComplete, "the kick-off is optional")
        #expect(checklist.steps.first { $0.step == .ownerAccepted } == OnboardingStepState(step: .ownerAccepted, state: .done, by: "system", at: at))
        #expect(checklist.steps.first { $0.step == .kickoffHeld }?.state == .pending)
    }

    @Test func anObservedFactWinsOverARecordedSkip() {
        let checklist = OnboardingChecklist(recorded: [.ssoConfigured: record(.skipped)], observed: [.ssoConfigured: at])
        #expect(checklist.steps.first { $0.step == .ssoConfigured }?.state == .done)
        #expect(checklist.steps.first { $0.step == .ssoConfigured }?.by == "system")
    }

    @Test func theOwnerStepsCannotBeTickedOrSkippedByHand() {
        #expect(throws: OnboardingMarkRefusal.observedStep(.ownerAccepted)) { try OnboardingChecklist.check(.done, on: .ownerAccepted) }
        #expect(throws: OnboardingMarkRefusal.notSkippable(.ownerAccepted)) { try OnboardingChecklist.check(.skipped, on: .ownerAccepted) }
        #expect(throws: OnboardingMarkRefusal.notSkippable(.contractSigned)) { try OnboardingChecklist.check(.skipped, on: .contractSigned) }
        #expect(throws: OnboardingMarkRefusal.observedStep(.ssoConfigured)) { try OnboardingChecklist.check(.done, on: .ssoConfigured) }
    }

    @Test func manualStepsAreTickedSkippedWhereAllowedAndCleared() throws {
        try OnboardingChecklist.check(.done, on: .contractSigned)
        try OnboardingChecklist.check(.done, on: .kickoffHeld)
        try OnboardingChecklist.check(.skipped, on: .ssoConfigured)
        try OnboardingChecklist.check(.skipped, on: .dataImported)
        try OnboardingChecklist.check(nil, on: .contractSigned)
    }

    @Test func onlyAnOpenTenantCallsTheAPIAndAnOffboardingOneOnlyExportsItsData() {
        for status in TenantStatus.allCases {
            for scope in Scope.allCases {
                let expected = status == .active || status == .onboarding || (status == .offboarding && scope == .dataExport)
                #expect(status.allows(scope) == expected, "\(status) \(scope)")
            }
        }
    }

    @Test func onlyASucceededExportDownloadsAndOnlyQueuedOrRunningOnesAreStillWorkedOn() {
        #expect(DataExportStatus.allCases.filter(\.isDownloadable) == [.succeeded])
        #expect(DataExportStatus.allCases.filter(\.isPending) == [.queued, .running])
        #expect(Role.owner.scopes.contains(.dataExport))
        #expect(Role.allCases.filter { $0.scopes.contains(.dataExport) } == [.owner])
    }
}
