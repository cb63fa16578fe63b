/// Hypercare (docs/DOMAIN.md §6): KPIs with stabilisation targets; steady state is declared once every
/// one has held its target for its number of consecutive periods.
public enum HypercareStability {
    /// How many periods in a row, ending with `lastCompleted` (the latest period that is over), met
    /// the target. A period without a value breaks the run, so a feed that stopped, or a value for a
    /// period still running, never counts.
    public static func consecutiveMet(_ outcomes: [(period: MeasurementPeriod, met: Bool)],
                                      through lastCompleted: MeasurementPeriod) -> Int {
        let met = Dictionary(outcomes.map { ($0.period.start, $0.met) }, uniquingKeysWith: { first, _ in first })
        var run = 0
        var period = lastCompleted
        while met[period.start] == true {
            run += 1
            period = MeasurementPeriod.containing(period.start.adding(days: -1), kind: period.kind)
        }
        return run
    }

    /// The latest period of `kind` that is over on `today`.
    public static func lastCompleted(_ kind: PeriodKind, today: CalendarDate) -> MeasurementPeriod {
        MeasurementPeriod.containing(MeasurementPeriod.containing(today, kind: kind).start.adding(days: -1), kind: kind)
    }
}

/// A knowledge-transfer session's state (docs/DOMAIN.md §6).
public enum KTSessionStatus: String, CaseIterable, Sendable {
    case planned
    case held
    case cancelled
}

/// Knowledge-transfer coverage of one process area.
public struct KTCoverage: Equatable, Sendable {
    public var processArea: String
    public var planned = 0
    public var held = 0
    public var cancelled = 0
    /// Mean proficiency (1–5) of the held sessions that were scored, two decimals.
    public var averageProficiency: Double?
    /// Covered: at least one held session scored 3 or more.
    public var covered = false

    /// Per process area, in name order, from (area, status, proficiency) of each session.
    public static func byArea(_ sessions: [(processArea: String, status: KTSessionStatus, proficiency: Int?)]) -> [KTCoverage] {
        Dictionary(grouping: sessions, by: \.processArea).map { area, sessions in
            var coverage = KTCoverage(processArea: area)
            var scores: [Int] = []
            for session in sessions {
                switch session.status {
                case .planned: coverage.planned += 1
                case .held:
                    coverage.held += 1
                    if let score = session.proficiency { scores.append(score) }
                case .cancelled: coverage.cancelled += 1
                }
            }
            if !scores.isEmpty {
                let hundredths = MinorUnits.roundedQuotient(Int128(scores.reduce(0, +)) * 100, Int128(scores.count)) ?? 0
                coverage.averageProficiency = Double(hundredths) / 100
            }
            coverage.covered = scores.contains { $0 >= minimumProficiency }
            return coverage
        }.sorted { $0.processArea < $1.processArea }
    }

    public static let minimumProficiency = 3
}
