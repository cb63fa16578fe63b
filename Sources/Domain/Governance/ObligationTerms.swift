/// What a contract obliges the provider to (docs/DOMAIN.md §5).
public enum ObligationKind: String, CaseIterable, Sendable {
    case serviceLevel = "service_level"
    case kpi
    /// Met by delivering by a due date, not by a measured value.
    case deliverable
    case reporting
    case compliance

    public var isMeasured: Bool { self != .deliverable }
}

/// How a measured value is compared with its threshold: `>=` (at least, e.g. 80 % answered in 20 s)
/// or `<=` (at most, e.g. abandonment 5 %).
public enum ThresholdComparator: String, CaseIterable, Sendable {
    case atLeast = ">="
    case atMost = "<="

    public func isMet(_ value: Double, threshold: Double) -> Bool {
        switch self {
        case .atLeast: value >= threshold
        case .atMost: value <= threshold
        }
    }
}

/// An obligation's terms from one period on. Terms are versioned: a new threshold applies from a
/// stated period, and the periods before it keep the terms they were measured under.
public struct ObligationTerms: Equatable, Sendable {
    /// The first day these terms apply to (`CalendarDate.beginning` for the original terms).
    public var effectiveFrom: CalendarDate
    /// Nil for deliverables, which are met by their date.
    public var comparator: ThresholdComparator?
    public var threshold: Double?
    /// Service credit per breach, in hundredths of a percent of the monthly fee (250 = 2.5 %).
    public var creditBasisPoints: Int
    /// A breach's credit is earned back when this many following periods are all met; nil: never.
    public var earnBackPeriods: Int?

    public init(effectiveFrom: CalendarDate, comparator: ThresholdComparator?, threshold: Double?, creditBasisPoints: Int,
                earnBackPeriods: Int?) {
        self.effectiveFrom = effectiveFrom
        self.comparator = comparator
        self.threshold = threshold
        self.creditBasisPoints = creditBasisPoints
        self.earnBackPeriods = earnBackPeriods
    }

    /// Whether a measured value meets these terms (a deliverable's terms have no comparator: never met by a value).
    public func isMet(_ value: Double) -> Bool {
        guard let comparator, let threshold else { return false }
        return comparator.isMet(value, threshold: threshold)
    }
}

/// The versions of an obligation's terms, oldest first.
public struct TermsHistory: Sendable, Equatable {
    public let versions: [ObligationTerms]

    public init(_ versions: [ObligationTerms]) {
        self.versions = versions.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The terms that govern `period`: the latest version in force on its first day.
    public func terms(for period: MeasurementPeriod) -> ObligationTerms? {
        versions.last { $0.effectiveFrom <= period.start }
    }

    public var current: ObligationTerms? { versions.last }
}

extension CalendarDate {
    /// The day before every real date: the effective date of an obligation's original terms.
    public static let beginning = CalendarDate(year: 1, month: 1, day: 1)!
}

/// When a deliverable is breached: delivered after its due date, or not delivered by the end of it.
public enum DeliverableCompliance {
    /// True: breached; false: met; nil: not yet decided (due date not passed and not delivered).
    public static func isBreached(due: CalendarDate, deliveredOn: CalendarDate?, today: CalendarDate) -> Bool? {
        if let deliveredOn { return deliveredOn > due }
        return today > due ? true : nil
    }
}

/// A percentage as the API writes it (a number 0–100 with at most two decimals), in hundredths of a
/// percent, so that money computed from it stays in integers.
public enum BasisPoints {
    public static func from(percent: Double) -> Int? {
        guard percent.isFinite, (0...100).contains(percent) else { return nil }
        let scaled = (percent * 100).rounded()
        return abs(percent * 100 - scaled) < 1e-6 ? Int(scaled) : nil
    }

    public static func percent(_ basisPoints: Int) -> Double { Double(basisPoints) / 100 }
}
