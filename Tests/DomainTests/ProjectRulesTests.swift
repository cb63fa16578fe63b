import Domain
import FoundationEssentials
import Testing

@Suite struct ProjectStatusRules {
    @Test func lifecycleAllowsOnlyDocumentedMoves() {
        #expect(ProjectStatus.proposed.allowedNext == [.active, .cancelled])
        #expect(ProjectStatus.active.allowedNext == [.onHold, .completed, .cancelled])
        #expect(ProjectStatus.onHold.allowedNext == [.active, .cancelled])
        #expect(ProjectStatus.completed.allowedNext.isEmpty)
        #expect(ProjectStatus.cancelled.allowedNext.isEmpty)
    }

    @Test func closedProjectsCannotReopen() {
        #expect(!ProjectStatus.completed.canMove(to: .active))
        #expect(!ProjectStatus.cancelled.canMove(to: .proposed))
        #expect(!ProjectStatus.proposed.canMove(to: .completed))
        #expect(ProjectStatus.completed.canMove(to: .completed))
    }
}

@Suite struct ProjectFieldRules {
    func valid() -> ProjectFields {
        ProjectFields(code: "CC-1", name: "Contact centre", plannedStart: CalendarDate("2026-01-01"),
                      plannedFinish: CalendarDate("2026-12-31"), budgetAtCompletion: 100, currency: "EUR")
    }

    @Test func validProjectPasses() throws {
        try valid().validate()
    }

    @Test func finishBeforeStartIsRejected() {
        var fields = valid()
        fields.plannedFinish = CalendarDate("2025-12-31")
        #expect(throws: ValidationFailure([FieldError(pointer: "/plannedFinish", detail: "must not be before plannedStart (2026-01-01)")])) {
            try fields.validate()
        }
    }

    @Test func everyBrokenFieldIsReportedAtOnce() {
        var fields = valid()
        fields.code = "lower"
        fields.name = "   "
        fields.currency = "euro"
        fields.budgetAtCompletion = -1
        do {
            try fields.validate()
            Issue.record("expected a validation failure")
        } catch {
            #expect(error.errors.map(\.pointer) == ["/code", "/name", "/budgetAtCompletion", "/currency"])
        }
    }

    @Test(arguments: ["AB", "CC-TRANSFORM", "X_1", String(repeating: "A", count: 32)])
    func acceptedCodes(_ code: String) {
        #expect(ProjectCode.isValid(code))
    }

    @Test(arguments: ["A", "-AB", "ab", "A B", String(repeating: "A", count: 33), "ÄB"])
    func rejectedCodes(_ code: String) {
        #expect(!ProjectCode.isValid(code))
    }
}

@Suite struct TenantRules {
    @Test func slugPattern() {
        #expect(TenantSlug.isValid("acme"))
        #expect(TenantSlug.isValid("a1-b2"))
        #expect(!TenantSlug.isValid("a"))
        #expect(!TenantSlug.isValid("-acme"))
        #expect(!TenantSlug.isValid("Acme"))
        #expect(!TenantSlug.isValid(String(repeating: "a", count: 64)))
    }

    @Test func onlyActiveAndOnboardingTenantsUseTheAPI() {
        #expect(TenantStatus.allCases.filter(\.mayUseAPI) == [.onboarding, .active])
    }

    @Test func scopeListsParseAndRejectUnknownNames() throws {
        #expect(try Scope.parseList("projects:write, projects:read,projects:read").get() == [.projectsRead, .projectsWrite])
        #expect(throws: UnknownScope(name: "projects:admin")) { try Scope.parseList("projects:admin").get() }
    }
}

@Suite struct CalendarDates {
    @Test func parsesAndPrintsRoundTrip() {
        #expect(CalendarDate("2026-11-26")?.description == "2026-11-26")
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("26-11-26") == nil)
    }

    @Test func dayArithmeticMatchesTheCivilCalendar() {
        #expect(CalendarDate("1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDate("2026-11-26")?.daysSinceEpoch == 20_783)
        #expect(CalendarDate(daysSinceEpoch: 20_783).description == "2026-11-26")
        #expect(CalendarDate("2026-12-31")!.adding(days: 1).description == "2027-01-01")
    }

    @Test func statusClassesGroupStatuses() {
        #expect(StatusClass(status: 201) == .success)
        #expect(StatusClass(status: 404) == .clientError)
        #expect(StatusClass(status: 503).label == "5xx")
    }
}

@Suite struct TimeOrderedIDs {
    @Test func laterMillisecondsSortLater() {
        var generator = SystemRandomNumberGenerator()
        let earlier = UUIDv7.make(unixMilliseconds: 1_700_000_000_000, using: &generator)
        let later = UUIDv7.make(unixMilliseconds: 1_700_000_000_001, using: &generator)
        #expect(earlier.uuidString < later.uuidString)
        #expect(earlier.uuidString.dropFirst(14).first == "7")
    }

    @Test func idsMadeInOneMillisecondOrAfterAClockStepStillIncrease() {
        var state = MonotonicUUIDv7.State()
        var generator = SystemRandomNumberGenerator()
        var previous = ""
        for now in [UInt64(1_000), 1_000, 1_000, 999, 1_001] {
            let (millis, sequence) = state.next(now: now)
            let id = UUIDv7.make(unixMilliseconds: millis, sequence: sequence, using: &generator).uuidString
            #expect(id > previous)
            previous = id
        }
        let ids = (0..<10_000).map { _ in Environment.live.newID().uuidString }
        #expect(ids == ids.sorted())
    }
}
