import Foundation

// Field rules of the transitions area, as pure functions over a request's values: every refusal is
// noted in `checks` with the field's JSON pointer, so one 422 names them all.

/// A transition's name, scope and parties.
public enum TransitionRules {
    public static func check(name: String, scope: String, from: String, to: String, _ checks: inout FieldChecks) {
        checks.requireName(name)
        checks.requireText(scope, maxLength: 10_000, at: "/scope")
        checks.requireName(from, at: "/fromParty")
        checks.requireName(to, at: "/toParty")
    }
}

/// A readiness criterion's title and evidence link (http or https).
public enum ReadinessCriterionRules {
    public static func check(title: String, evidence: String?, _ checks: inout FieldChecks) {
        checks.requireName(title, at: "/title")
        if let evidence {
            let url = URL(string: evidence)
            checks.require(evidence.utf8.count <= 2000 && ["http", "https"].contains(url?.scheme?.lowercased() ?? "")
                           && url?.host?.isEmpty == false, "/evidenceUrl", "must be an http(s) link of at most 2,000 characters")
        }
    }
}

/// A knowledge-transfer session: topic, area, expert, attendees, and a proficiency only once held.
public enum KTSessionRules {
    public static func check(topic: String, area: String, expert: String, attendees: [String], status: KTSessionStatus,
                             proficiency: Int?, _ checks: inout FieldChecks) {
        checks.requireName(topic, at: "/topic")
        checks.requireName(area, at: "/processArea")
        checks.requireName(expert, at: "/expert")
        checks.require(attendees.count <= 100, "/attendees", "must list at most 100 attendees")
        for (index, attendee) in attendees.enumerated() { checks.requireName(attendee, at: "/attendees/\(index)") }
        if let proficiency {
            checks.require((1...5).contains(proficiency), "/proficiency", "must be 1–5")
            checks.require(status == .held, "/proficiency", "belongs to a held session only")
        }
    }
}

/// A hypercare metric's name, target and the periods it must hold for.
public enum HypercareMetricRules {
    public static func check(name: String, target: Double, required: Int, _ checks: inout FieldChecks) {
        checks.requireName(name)
        checks.require(target.isFinite && abs(target) <= 1e15, "/target", "must be a number between -1e15 and 1e15")
        checks.require((1...52).contains(required), "/requiredPeriods", "must be 1–52")
    }
}
