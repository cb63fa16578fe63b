import Foundation

// Field rules of the delivery area, as pure functions over a request's values: every refusal is
// noted in `checks` with the field's JSON pointer, so one 422 names them all.

/// A portfolio's name and description.
public enum PortfolioRules {
    public static func check(name: String?, description: String?) throws {
        var checks = FieldChecks()
        checks.requireName(name)
        checks.requireText(description, maxLength: 10_000, at: "/description")
        try checks.throwIfAny()
    }
}

/// A sprint's name, goal and committed points.
public enum SprintRules {
    public static func check(name: String, goal: String?, committed: Int?, _ checks: inout FieldChecks) {
        checks.requireName(name)
        checks.requireText(goal, maxLength: 2000, at: "/goal")
        if let committed { checks.require((0...100_000).contains(committed), "/committedPoints", "must be 0–100,000") }
    }
}

/// The options of a custom field: an enum field has 1–100 distinct ones, others none.
public enum CustomFieldRules {
    public static func check(_ options: [String], type: CustomFieldType, _ checks: inout FieldChecks) {
        if type == .enumeration {
            checks.require(!options.isEmpty && options.count <= 100 && Set(options).count == options.count, "/options",
                           "an enum field needs 1–100 distinct options")
            for (index, option) in options.enumerated() {
                checks.require(TextRules.isPrintable(option, maxLength: 200), "/options/\(index)", "must be 1–200 characters without control characters")
            }
        } else {
            checks.require(options.isEmpty, "/options", "only an enum field has options")
        }
    }
}
