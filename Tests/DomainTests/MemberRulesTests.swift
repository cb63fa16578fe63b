import Domain
import Testing

@Suite struct MemberRulesTests {
    let owner = MemberChange(role: .owner, status: .active)

    @Test func rolesAreNestedWhereTheMatrixSaysSo() {
        #expect(Role.owner.scopes == Set(Scope.allCases.filter { !$0.isPlatform }), "every tenant scope, no platform one")
        #expect(Role.allCases.allSatisfy { $0.scopes.allSatisfy { !$0.isPlatform } })
        for role in Role.allCases {
            #expect(role.scopes.isSubset(of: Role.owner.scopes))
            #expect(Role.viewer.scopes.isSubset(of: role.scopes), "every role can do what a viewer can")
        }
        #expect(!Role.pmoAdmin.scopes.contains(.auditRead))
        #expect(!Role.auditor.scopes.contains(.projectsWrite))
    }

    @Test func aRoleIsGrantableOnlyByWhoHoldsAllItsScopes() {
        #expect(Role.owner.isGrantable(by: Role.owner.scopes))
        #expect(!Role.owner.isGrantable(by: Role.pmoAdmin.scopes))
        #expect(!Role.auditor.isGrantable(by: Role.pmoAdmin.scopes))
        #expect(Role.projectManager.isGrantable(by: Role.pmoAdmin.scopes))
        #expect(!Role.viewer.isGrantable(by: [.projectsRead]))
    }

    @Test func theLastActiveOwnerStays() throws {
        for next in [MemberChange(role: .viewer, status: .active), MemberChange(role: .owner, status: .deactivated)] {
            #expect(throws: MemberRuleViolation.lastOwner) {
                try owner.check(to: next, hasBeenActive: true, callerScopes: Role.owner.scopes, activeOwners: 1)
            }
            try owner.check(to: next, hasBeenActive: true, callerScopes: Role.owner.scopes, activeOwners: 2)
        }
        // Renaming (no change of role or status) is always fine.
        try owner.check(to: owner, hasBeenActive: true, callerScopes: [], activeOwners: 1)
    }

    @Test func whoChangesAMemberMustHoldBothRoles() {
        let manager = MemberChange(role: .projectManager, status: .active)
        #expect(throws: MemberRuleViolation.roleNotGrantable(.owner)) {
            try owner.check(to: MemberChange(role: .viewer, status: .active), hasBeenActive: true,
                            callerScopes: Role.pmoAdmin.scopes, activeOwners: 3)
        }
        #expect(throws: MemberRuleViolation.roleNotGrantable(.auditor)) {
            try manager.check(to: MemberChange(role: .auditor, status: .active), hasBeenActive: true,
                              callerScopes: Role.pmoAdmin.scopes, activeOwners: 1)
        }
    }

    @Test func statusesMoveOnlyAlongTheLifecycle() {
        #expect(MemberStatus.invited.allowedNext(hasBeenActive: false) == [.deactivated])
        #expect(MemberStatus.active.allowedNext(hasBeenActive: true) == [.deactivated])
        #expect(MemberStatus.deactivated.allowedNext(hasBeenActive: true) == [.active])
        #expect(MemberStatus.deactivated.allowedNext(hasBeenActive: false) == [])
        let invited = MemberChange(role: .viewer, status: .invited)
        #expect(throws: MemberRuleViolation.illegalStatusChange(from: .invited, to: .active, allowed: [.deactivated])) {
            try invited.check(to: MemberChange(role: .viewer, status: .active), hasBeenActive: false,
                              callerScopes: Role.owner.scopes, activeOwners: 1)
        }
    }

    @Test(arguments: [("Ada@Example.COM", "ada@example.com"), ("a@b", "a@b")])
    func emailsAreStoredInLowerCase(_ input: String, _ stored: String) {
        #expect(EmailAddress.normalize(input) == stored)
    }

    @Test(arguments: ["", "ab", "no-at", "@example.com", "a@", "a@b@c", "a b@example.com", "é@example.com",
                      String(repeating: "a", count: 250) + "@b.com"])
    func malformedEmailsAreRefused(_ input: String) {
        #expect(EmailAddress.normalize(input) == nil)
    }
}
