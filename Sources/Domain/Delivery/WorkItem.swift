public import struct Foundation.UUID

/// What a work item is in the WBS (docs/DOMAIN.md §3).
public enum WorkItemKind: String, CaseIterable, Sendable {
    case deliverable
    case workPackage = "work_package"
    case task
    case milestone
    case story
    case bug
}

public enum WorkItemStatus: String, CaseIterable, Sendable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case blocked
    case done
    case cancelled
}

/// The writable fields of a work item, after a create or a merge patch has been applied.
public struct WorkItemFields: Equatable, Sendable {
    public var kind: WorkItemKind
    public var title: String
    public var description: String?
    public var status: WorkItemStatus
    public var plannedStart: CalendarDate?
    /// Inclusive: a one-day task starts and finishes on the same date.
    public var plannedFinish: CalendarDate?
    /// In working days of the tenant's calendar; a milestone has 0.
    public var durationDays: Int?
    public var estimateHours: Double?
    public var storyPoints: Int?
    /// Minor units of the project's currency.
    public var budgetedCost: Int64
    public var percentComplete: Int
    /// A member of the tenant.
    public var assigneeID: UUID?
    /// A sprint of the same project; nil: the backlog.
    public var sprintID: UUID?
    /// Values of the organisation's custom fields for work items, by key.
    public var customFields: [String: CustomFieldValue]

    public init(kind: WorkItemKind = .task, title: String, description: String? = nil, status: WorkItemStatus = .notStarted,
                plannedStart: CalendarDate? = nil, plannedFinish: CalendarDate? = nil, durationDays: Int? = nil,
                estimateHours: Double? = nil, storyPoints: Int? = nil, budgetedCost: Int64 = 0, percentComplete: Int = 0,
                assigneeID: UUID? = nil, sprintID: UUID? = nil, customFields: [String: CustomFieldValue] = [:]) {
        self.kind = kind
        self.title = title
        self.description = description
        self.status = status
        self.plannedStart = plannedStart
        self.plannedFinish = plannedFinish
        self.durationDays = durationDays
        self.estimateHours = estimateHours
        self.storyPoints = storyPoints
        self.budgetedCost = budgetedCost
        self.percentComplete = percentComplete
        self.assigneeID = assigneeID
        self.sprintID = sprintID
        self.customFields = customFields
    }

    /// Checks every field rule but the dates' agreement with the calendar: what a change that touches
    /// no date (a status, a title) needs, which keeps the stored dates as they are, even if the
    /// calendar has changed since they were derived (and so reads no calendar).
    public func checked(at pointer: String = "") throws(ValidationFailure) {
        var checks = FieldChecks()
        checks.require(TextRules.isPrintable(title, maxLength: 500) && !TextRules.isBlank(title), pointer + "/title",
                       "must be 1–500 characters, not blank, without control characters")
        checks.requireText(description, maxLength: 20_000, at: pointer + "/description")
        checks.require((0...100).contains(percentComplete), pointer + "/percentComplete", "must be 0–100")
        checks.require(budgetedCost >= 0, pointer + "/budgetedCost", "must not be negative")
        if let storyPoints { checks.require((0...1000).contains(storyPoints), pointer + "/storyPoints", "must be 0–1000") }
        if let estimateHours {
            checks.require(estimateHours.isFinite && (0...1_000_000).contains(estimateHours), pointer + "/estimateHours",
                           "must be 0–1,000,000")
        }
        if let durationDays { checks.require((0...100_000).contains(durationDays), pointer + "/durationDays", "must be 0–100,000") }
        checks.require(budgetedCost <= Self.maximumCost, pointer + "/budgetedCost", "must be at most 10^13 minor units")
        // Dates are derived only from values within their ranges.
        try checks.throwIfAny()
    }

    /// Checks every field rule, and completes the dates: with two of start, finish and duration the
    /// third follows from the calendar's working days; with all three they must agree. Only a finish
    /// and a duration leave the start open (plans are made forwards). `pointer` prefixes every
    /// error (e.g. "/items/3" in a bulk request).
    public func scheduled(on calendar: WorkingCalendar, at pointer: String = "") throws(ValidationFailure) -> WorkItemFields {
        try checked(at: pointer)
        var checks = FieldChecks()
        var next = self
        if kind == .milestone {
            checks.require((durationDays ?? 0) == 0, pointer + "/durationDays", "must be 0: a milestone has zero duration")
            next.durationDays = 0
            next.plannedStart = plannedStart ?? plannedFinish
            next.plannedFinish = plannedFinish ?? plannedStart
        }
        if let start = next.plannedStart, let finish = next.plannedFinish {
            if finish < start {
                checks.require(false, pointer + "/plannedFinish", "must not be before plannedStart (\(start))")
            } else if kind == .milestone {
                checks.require(start == finish, pointer + "/plannedFinish", "must equal plannedStart: a milestone has zero duration")
            } else {
                let span = calendar.workingDays(from: start, through: finish)
                if let given = next.durationDays {
                    checks.require(given == span, pointer + "/durationDays",
                                   "must match plannedStart…plannedFinish: \(span) working days")
                }
                next.durationDays = span
            }
        } else if let start = next.plannedStart, let days = next.durationDays, kind != .milestone {
            next.plannedFinish = days == 0 ? start : calendar.adding(workingDays: days - 1, to: calendar.nextWorkingDay(onOrAfter: start))
        }
        if let finish = next.plannedFinish {
            checks.require(finish <= Self.lastDate, pointer + "/plannedFinish", "must not be after 9999-12-31")
        }
        try checks.throwIfAny()
        return next
    }

    /// The largest budget of one item (10^11 in currency units): sums over 100,000 items still fit.
    public static let maximumCost: Int64 = 10_000_000_000_000
    /// Dates are written with four-digit years.
    public static let lastDate = CalendarDate(year: 9999, month: 12, day: 31)!
}
