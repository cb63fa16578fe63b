public import struct Foundation.UUID

/// The writable fields of a project, after a create or a merge-patch has been applied.
/// `validate()` is the one place the project's field rules live; the API calls it for both.
public struct ProjectFields: Equatable, Sendable {
    public var code: String
    public var name: String
    public var methodology: Methodology
    public var phase: ProjectPhase
    public var status: ProjectStatus
    public var sponsor: String?
    public var manager: String?
    public var plannedStart: CalendarDate?
    public var plannedFinish: CalendarDate?
    public var budgetAtCompletion: Int64
    public var currency: String
    /// The programme the project belongs to, if any.
    public var programmeID: UUID?
    /// Values of the organisation's custom fields for projects, by key.
    public var customFields: [String: CustomFieldValue]

    public init(
        code: String, name: String, methodology: Methodology = .predictive, phase: ProjectPhase = .initiating,
        status: ProjectStatus = .proposed, sponsor: String? = nil, manager: String? = nil,
        plannedStart: CalendarDate? = nil, plannedFinish: CalendarDate? = nil,
        budgetAtCompletion: Int64 = 0, currency: String, programmeID: UUID? = nil,
        customFields: [String: CustomFieldValue] = [:]
    ) {
        self.code = code
        self.name = name
        self.methodology = methodology
        self.phase = phase
        self.status = status
        self.sponsor = sponsor
        self.manager = manager
        self.plannedStart = plannedStart
        self.plannedFinish = plannedFinish
        self.budgetAtCompletion = budgetAtCompletion
        self.currency = currency
        self.programmeID = programmeID
        self.customFields = customFields
    }

    /// Checks every field rule and reports all violations together.
    public func validate() throws(ValidationFailure) {
        var checks = FieldChecks()
        checks.require(ProjectCode.isValid(code), "/code", "must be 2–32 characters of A–Z, 0–9, '_' and '-', starting with a letter or digit")
        checks.requireName(name)
        if let sponsor { checks.require(TextRules.isPrintable(sponsor, maxLength: 200), "/sponsor", "must be 1–200 characters without control characters") }
        if let manager { checks.require(TextRules.isPrintable(manager, maxLength: 200), "/manager", "must be 1–200 characters without control characters") }
        checks.require(budgetAtCompletion >= 0, "/budgetAtCompletion", "must not be negative")
        checks.require(Self.isCurrencyCode(currency), "/currency", "must be an ISO 4217 code such as EUR")
        if let start = plannedStart, let finish = plannedFinish {
            checks.require(finish >= start, "/plannedFinish", "must not be before plannedStart (\(start))")
        }
        try checks.throwIfAny()
    }

    /// The API names of every writable field (what a create sets, for the audit trail).
    public static let fieldNames = ["code", "name", "methodology", "phase", "status", "sponsor", "manager",
                                    "plannedStart", "plannedFinish", "budgetAtCompletion", "currency", "programmeId", "customFields"]

    /// The API names of the fields whose values differ from `other` (for audit trails and plans).
    public func changedFields(comparedTo other: ProjectFields) -> [String] {
        var changed: [String] = []
        func note(_ name: String, _ differs: Bool) { if differs { changed.append(name) } }
        note("code", code != other.code)
        note("name", name != other.name)
        note("methodology", methodology != other.methodology)
        note("phase", phase != other.phase)
        note("status", status != other.status)
        note("sponsor", sponsor != other.sponsor)
        note("manager", manager != other.manager)
        note("plannedStart", plannedStart != other.plannedStart)
        note("plannedFinish", plannedFinish != other.plannedFinish)
        note("budgetAtCompletion", budgetAtCompletion != other.budgetAtCompletion)
        note("currency", currency != other.currency)
        note("programmeId", programmeID != other.programmeID)
        note("customFields", customFields != other.customFields)
        return changed
    }

    public static func isCurrencyCode(_ text: String) -> Bool {
        text.utf8.count == 3 && text.utf8.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
    }
}

/// A project's human key, unique per tenant; accepted wherever a project id is.
public enum ProjectCode {
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...32).contains(bytes.count), let first = bytes.first, isUpperAlnum(first) else { return false }
        return bytes.allSatisfy { isUpperAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isUpperAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
