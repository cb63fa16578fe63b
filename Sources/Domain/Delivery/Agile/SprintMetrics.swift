public import struct Foundation.UUID

/// What a finished (or finishing) sprint committed to and delivered, in story points.
public struct SprintOutcome: Sendable, Equatable {
    public var sprintID: UUID
    public var finish: CalendarDate
    public var committedPoints: Int
    public var completedPoints: Int

    public init(sprintID: UUID, finish: CalendarDate, committedPoints: Int, completedPoints: Int) {
        self.sprintID = sprintID
        self.finish = finish
        self.committedPoints = committedPoints
        self.completedPoints = completedPoints
    }
}

/// One sprint on the velocity chart.
public struct VelocityPoint: Sendable, Equatable {
    public var sprintID: UUID
    public var committedPoints: Int
    public var completedPoints: Int
    /// Mean completed points over this sprint and the up to two before it: what the team can plan on
    /// next, smoothed so one disrupted sprint does not swing the forecast.
    public var rollingAverage: Double

    public init(sprintID: UUID, committedPoints: Int, completedPoints: Int, rollingAverage: Double) {
        self.sprintID = sprintID
        self.committedPoints = committedPoints
        self.completedPoints = completedPoints
        self.rollingAverage = rollingAverage
    }
}

/// Velocity: completed points per sprint with a rolling average of the last three (docs/DOMAIN.md §3).
public enum Velocity {
    /// How many sprints, counting the current one, the rolling average covers.
    static let rollingWindow = 3

    /// One point per sprint in finish order; sprints finishing on the same day keep their given order,
    /// so the chart is the same on every request.
    public static func series(_ sprints: [SprintOutcome]) -> [VelocityPoint] {
        let ordered = sprints.enumerated()
            .sorted { ($0.element.finish, $0.offset) < ($1.element.finish, $1.offset) }
            .map(\.element)
        return ordered.indices.map { index in
            let window = ordered[max(0, index - rollingWindow + 1)...index]
            let completed = window.reduce(0) { $0 + $1.completedPoints }
            let sprint = ordered[index]
            return VelocityPoint(sprintID: sprint.sprintID, committedPoints: sprint.committedPoints,
                                 completedPoints: sprint.completedPoints,
                                 rollingAverage: Double(completed) / Double(window.count))
        }
    }
}
