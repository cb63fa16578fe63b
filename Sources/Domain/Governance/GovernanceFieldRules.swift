import Foundation

// Field rules of the governance area, as pure functions over a request's values: every refusal is
// noted in `checks` with the field's JSON pointer, so one 422 names them all.

/// A contract's fields; returns the service-credit cap in basis points when it is valid.
public enum ContractRules {
    public static func check(code: String, name: String, clientParty: String, service: String,
                             start: CalendarDate?, end: CalendarDate?, fee: Int64, currency: String,
                             capPercent: Double, _ checks: inout FieldChecks) -> Int? {
        checks.require(ProjectCode.isValid(code), "/code", "must be 2–32 characters of A–Z, 0–9, '_' and '-', starting with a letter or digit")
        checks.requireName(name)
        checks.requireName(clientParty, at: "/clientParty")
        checks.requireName(service, at: "/service")
        // Unreadable dates were noted when parsed.
        if let start, let end { checks.require(end >= start, "/endDate", "must be on or after startDate") }
        checks.require((0...10_000_000_000_000).contains(fee), "/monthlyFee", "must be 0–10,000,000,000,000 minor units")
        checks.require(ProjectFields.isCurrencyCode(currency), "/currency", "must be an ISO 4217 code such as EUR")
        let cap = BasisPoints.from(percent: capPercent)
        checks.require(cap != nil, "/serviceCreditCapPercent", "must be 0–100 with at most two decimals")
        return cap
    }
}

/// An obligation's name, metric and unit.
public enum ObligationRules {
    public static func check(name: String, metric: String, unit: String?, _ checks: inout FieldChecks) {
        checks.requireName(name)
        checks.requireName(metric, at: "/metric")
        checks.requireName(unit, at: "/unit")
        if let unit { checks.require(unit.unicodeScalars.count <= 50, "/unit", "must be at most 50 characters") }
    }

    /// An obligation's terms from `from` on; nil when the credit is invalid (noted in `checks`).
    public static func terms(from: CalendarDate, comparator: ThresholdComparator?, threshold: Double?,
                             creditPercent: Double, earnBackPeriods: Int?, _ checks: inout FieldChecks) -> ObligationTerms? {
        let credit = BasisPoints.from(percent: creditPercent)
        checks.require(credit != nil, "/creditPercent", "must be 0–100 with at most two decimals")
        if let threshold { checks.require(threshold.isFinite && abs(threshold) <= 1e15, "/threshold", "must be between -1e15 and 1e15") }
        if let earnBackPeriods { checks.require((1...24).contains(earnBackPeriods), "/earnBackPeriods", "must be 1–24") }
        guard let credit else { return nil }
        return ObligationTerms(effectiveFrom: from, comparator: comparator, threshold: threshold, creditBasisPoints: credit,
                               earnBackPeriods: earnBackPeriods)
    }

    /// A deliverable's dates: due within the contract's term, delivered no later than today.
    public static func checkDeliverableDates(due: CalendarDate?, delivered: CalendarDate?,
                                             term: (start: CalendarDate, end: CalendarDate?),
                                             today: CalendarDate) throws(ValidationFailure) {
        var checks = FieldChecks()
        if let due {
            checks.require(due >= term.start && due <= (term.end ?? .distantFuture), "/dueDate",
                           "must fall within the contract's term (\(term.start) to \(term.end?.description ?? "open"))")
        }
        if let delivered { checks.require(delivered <= today, "/deliveredOn", "cannot be after today (\(today))") }
        try checks.throwIfAny()
    }
}

/// A meeting's attendees and minutes.
public enum MeetingRules {
    public static func check(attendees: [String], minutes: String?, _ checks: inout FieldChecks) {
        checks.require(attendees.count <= 100, "/attendees", "must list at most 100 attendees")
        for (index, attendee) in attendees.enumerated() { checks.requireName(attendee, at: "/attendees/\(index)") }
        checks.requireText(minutes, maxLength: 100_000, at: "/minutes")
    }
}

/// A decision's title, who made it and its rationale.
public enum DecisionRules {
    public static func check(title: String, madeBy: String, rationale: String?, _ checks: inout FieldChecks) {
        checks.requireName(title, at: "/title")
        checks.requireName(madeBy, at: "/madeBy")
        checks.requireText(rationale, maxLength: 10_000, at: "/rationale")
    }
}
