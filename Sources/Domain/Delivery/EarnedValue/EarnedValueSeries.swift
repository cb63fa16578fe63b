extension EarnedValue {
    /// The most points a series returns: ten years of weeks, enough for any chart and bounded whatever
    /// dates arrive (an actual mistyped as 1900 must not produce a response of thousands of points).
    public static let maximumWeeklyPoints = 520

    /// Weekly S-curves: one point per ISO week (ending on Sunday) from the week containing the earliest
    /// planned start or actual to the week containing `asOf`; only the last `maximumWeeklyPoints` weeks
    /// if there are more. With no dates at all it is the single week containing `asOf`.
    ///
    /// - PV and AC are cumulative through the point's Sunday, except that nothing after `asOf` is
    ///   counted: the last point is "to date", so it equals `figures(asOf:)` rather than mixing in
    ///   costs booked after the status date.
    /// - EV is the current earned value at every point. Percent complete is kept only as of now, so
    ///   any earlier EV would be invented (back-filling from PV would hide exactly the slippage EVM is
    ///   for). Clients should read it as a horizontal reference for the current EV, not as history.
    public static func weeklySeries(items: [EarnedValueItem], actuals: [CostActual],
                                    asOf: CalendarDate) -> [EarnedValuePoint] {
        let today = asOf.daysSinceEpoch
        let spreads = items.compactMap(\.plannedSpread)
        let earliest = (spreads.map(\.days.lowerBound) + actuals.map(\.date.daysSinceEpoch)).min() ?? today
        let lastSunday = sundayEnding(weekOf: today)
        let firstSunday = max(sundayEnding(weekOf: min(earliest, today)),
                              lastSunday - 7 * (maximumWeeklyPoints - 1))

        let ev = MinorUnits.saturating(items.reduce(Int128(0)) { $0 + $1.earnedValue })
        let datedActuals = actuals.map { (day: $0.date.daysSinceEpoch, amount: Int128($0.amount)) }
            .sorted { $0.day < $1.day }
        var nextActual = datedActuals.startIndex
        var ac: Int128 = 0
        var points: [EarnedValuePoint] = []
        points.reserveCapacity((lastSunday - firstSunday) / 7 + 1)
        for sunday in stride(from: firstSunday, through: lastSunday, by: 7) {
            let cutoff = min(sunday, today)
            while nextActual < datedActuals.endIndex, datedActuals[nextActual].day <= cutoff {
                ac += datedActuals[nextActual].amount
                nextActual += 1
            }
            let pv = spreads.reduce(Int128(0)) { $0 + $1.cumulative(throughDay: cutoff) }
            points.append(EarnedValuePoint(weekEnding: CalendarDate(daysSinceEpoch: sunday),
                                           pv: MinorUnits.saturating(pv), ev: ev,
                                           ac: MinorUnits.saturating(ac)))
        }
        return points
    }

    /// The Sunday on or after `day` (days since the epoch): ISO weeks run Monday to Sunday.
    static func sundayEnding(weekOf day: Int) -> Int {
        // 1970-01-01 was a Thursday, so (day + 3) mod 7 counts days since Monday.
        let daysSinceMonday = ((day + 3) % 7 + 7) % 7
        return day + (6 - daysSinceMonday)
    }
}
