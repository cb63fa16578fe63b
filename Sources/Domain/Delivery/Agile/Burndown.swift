/// A sprint backlog item as the burndown sees it: its points and the day it was done, if it was.
public struct BurndownItem: Sendable, Equatable {
    public var points: Int
    public var completedOn: CalendarDate?

    public init(points: Int, completedOn: CalendarDate?) {
        self.points = points
        self.completedOn = completedOn
    }
}

/// One day of a sprint burndown, read as the end of that day.
public struct BurndownPoint: Sendable, Equatable {
    public var date: CalendarDate
    /// Total points minus the points of items completed on or before `date`.
    public var remainingPoints: Int
    /// The straight line from the total at the start to zero at the finish.
    public var idealRemaining: Double

    public init(date: CalendarDate, remainingPoints: Int, idealRemaining: Double) {
        self.date = date
        self.remainingPoints = remainingPoints
        self.idealRemaining = idealRemaining
    }
}

/// Sprint burndown: remaining points per day (docs/DOMAIN.md §3).
public enum Burndown {
    /// One point per calendar day from `start` through `finish`, or through `asOf` if that is earlier
    /// (days not yet lived have no actual remaining). Empty when the range is empty: a sprint that has
    /// not started, or one whose finish precedes its start.
    ///
    /// Items completed before `start` count as done from the first day; items completed after the last
    /// day shown, or not at all, are still remaining. A one-day sprint's ideal is 0 on its only day,
    /// since that day is also the finish (and dividing by a zero-day span is not an option).
    public static func series(items: [BurndownItem], start: CalendarDate, finish: CalendarDate,
                              asOf: CalendarDate?) -> [BurndownPoint] {
        let firstDay = start.daysSinceEpoch
        let finishDay = finish.daysSinceEpoch
        let lastDay = min(finishDay, asOf?.daysSinceEpoch ?? finishDay)
        guard firstDay <= lastDay else { return [] }

        let total = items.reduce(0) { $0 + $1.points }
        let completions = items.compactMap { item in item.completedOn.map { (day: $0.daysSinceEpoch, points: item.points) } }
            .sorted { $0.day < $1.day }
        let span = finishDay - firstDay
        var nextCompletion = completions.startIndex
        var remaining = total
        return (firstDay...lastDay).map { day in
            while nextCompletion < completions.endIndex, completions[nextCompletion].day <= day {
                remaining -= completions[nextCompletion].points
                nextCompletion += 1
            }
            let ideal = span == 0 ? 0 : Double(total) * Double(finishDay - day) / Double(span)
            return BurndownPoint(date: CalendarDate(daysSinceEpoch: day), remainingPoints: remaining,
                                 idealRemaining: ideal)
        }
    }
}
