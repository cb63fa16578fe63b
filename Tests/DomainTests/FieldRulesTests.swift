import Domain
import Testing

/// The field rules of governance, transitions and delivery, as the API applies them to a request's
/// values: every refusal names its field.
@Suite struct FieldRulesTests {
    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    func pointers(_ checks: FieldChecks) -> [String] { checks.errors.map(\.pointer) }

    @Test func aContractNamesEveryFieldThatBreaksARuleAndGivesItsCapInBasisPoints() {
        var valid = FieldChecks()
        let cap = ContractRules.check(code: "MSA-1", name: "Managed service", clientParty: "Client", service: "Desk",
                                      start: Self.date("2026-01-01"), end: nil, fee: 1_000_000, currency: "EUR",
                                      capPercent: 12.5, &valid)
        #expect(valid.errors.isEmpty)
        #expect(cap == 1250)
        var invalid = FieldChecks()
        let none = ContractRules.check(code: "bad code", name: " ", clientParty: "Client", service: "Desk",
                                       start: Self.date("2026-02-01"), end: Self.date("2026-01-31"), fee: -1,
                                       currency: "euro", capPercent: 100.001, &invalid)
        #expect(none == nil)
        #expect(pointers(invalid) == ["/code", "/name", "/endDate", "/monthlyFee", "/currency", "/serviceCreditCapPercent"])
    }

    @Test func aDeliverableIsDueWithinTheTermAndNotDeliveredInTheFuture() throws {
        let term = (start: Self.date("2026-01-01"), end: Optional(Self.date("2026-12-31")))
        try ObligationRules.checkDeliverableDates(due: Self.date("2026-06-30"), delivered: Self.date("2026-06-01"),
                                                  term: term, today: Self.date("2026-06-15"))
        #expect(throws: ValidationFailure.self) {
            try ObligationRules.checkDeliverableDates(due: Self.date("2027-01-01"), delivered: nil, term: term,
                                                      today: Self.date("2026-06-15"))
        }
        #expect(throws: ValidationFailure.self) {
            try ObligationRules.checkDeliverableDates(due: nil, delivered: Self.date("2026-06-16"), term: term,
                                                      today: Self.date("2026-06-15"))
        }
        // An open-ended term admits any later due date.
        try ObligationRules.checkDeliverableDates(due: Self.date("2040-01-01"), delivered: nil,
                                                  term: (Self.date("2026-01-01"), nil), today: Self.date("2026-06-15"))
    }

    @Test func obligationTermsNeedACreditOfAtMostTwoDecimals() {
        var checks = FieldChecks()
        let terms = ObligationRules.terms(from: Self.date("2026-01-01"), comparator: .atLeast, threshold: 99.5,
                                          creditPercent: 5, earnBackPeriods: 3, &checks)
        #expect(checks.errors.isEmpty && terms?.creditBasisPoints == 500)
        var refused = FieldChecks()
        #expect(ObligationRules.terms(from: Self.date("2026-01-01"), comparator: nil, threshold: nil,
                                      creditPercent: 5.001, earnBackPeriods: 25, &refused) == nil)
        #expect(pointers(refused) == ["/creditPercent", "/earnBackPeriods"])
    }

    @Test func aCriterionsEvidenceIsAnHTTPLink() {
        var checks = FieldChecks()
        ReadinessCriterionRules.check(title: "Runbooks signed", evidence: "https://wiki.example/runbooks", &checks)
        #expect(checks.errors.isEmpty)
        ReadinessCriterionRules.check(title: "Runbooks signed", evidence: "ftp://files.example/runbooks", &checks)
        ReadinessCriterionRules.check(title: "Runbooks signed", evidence: "https://", &checks)
        #expect(pointers(checks) == ["/evidenceUrl", "/evidenceUrl"])
    }

    @Test func anEnumCustomFieldNeedsDistinctOptionsAndOthersNone() {
        var checks = FieldChecks()
        CustomFieldRules.check(["red", "green"], type: .enumeration, &checks)
        #expect(checks.errors.isEmpty)
        CustomFieldRules.check(["red", "red"], type: .enumeration, &checks)
        CustomFieldRules.check(["red"], type: .text, &checks)
        #expect(pointers(checks) == ["/options", "/options"])
    }
}
