/// One work item's contribution: its budget spread over its planned dates, and how far along it is.
public struct EarnedValueItem: Sendable, Equatable {
    /// Minor units (the item's share of BAC).
    public var budgetedCost: Int64
    public var plannedStart: CalendarDate?
    /// Inclusive: an item planned from Monday to Monday is planned for one day.
    public var plannedFinish: CalendarDate?
    /// 0...100; values outside are clamped, so a bad import cannot earn more than the budget.
    public var percentComplete: Int

    public init(budgetedCost: Int64, plannedStart: CalendarDate?, plannedFinish: CalendarDate?,
                percentComplete: Int) {
        self.budgetedCost = budgetedCost
        self.plannedStart = plannedStart
        self.plannedFinish = plannedFinish
        self.percentComplete = percentComplete
    }
}

/// Money actually spent on a date (cost entries and costed timesheets, already summed or not).
public struct CostActual: Sendable, Equatable {
    public var date: CalendarDate
    /// Minor units.
    public var amount: Int64

    public init(date: CalendarDate, amount: Int64) {
        self.date = date
        self.amount = amount
    }
}

/// PMI earned value figures as of a date. Amounts are minor units; a figure whose formula would divide
/// by zero is nil (the API's `null`), never NaN or infinity.
public struct EarnedValueFigures: Sendable, Equatable {
    public var asOf: CalendarDate
    /// Budget at completion: every item's budgeted cost.
    public var bac: Int64
    /// Planned value: budget scheduled to be done by `asOf`.
    public var pv: Int64
    /// Earned value: budget of the work actually done (current percent complete).
    public var ev: Int64
    /// Actual cost booked up to and including `asOf`.
    public var ac: Int64
    /// Schedule variance, EV − PV: negative means behind plan.
    public var sv: Int64
    /// Cost variance, EV − AC: negative means over budget.
    public var cv: Int64
    /// Schedule performance index, EV / PV; nil while nothing is planned yet.
    public var spi: Double?
    /// Cost performance index, EV / AC; nil while nothing has been spent.
    public var cpi: Double?
    /// Estimate at completion, BAC / CPI rounded half away from zero; nil when CPI is nil or 0.
    public var eac: Int64?
    /// Estimate to complete, EAC − AC; nil with EAC.
    public var etc: Int64?
    /// Variance at completion, BAC − EAC; nil with EAC.
    public var vac: Int64?
    /// To-complete performance index, (BAC − EV) / (BAC − AC): the efficiency the remaining work needs
    /// to finish on budget; nil when the budget is exactly spent.
    public var tcpi: Double?
}

/// One week of the earned value S-curves.
public struct EarnedValuePoint: Sendable, Equatable {
    /// The Sunday closing this ISO week.
    public var weekEnding: CalendarDate
    public var pv: Int64
    public var ev: Int64
    public var ac: Int64

    public init(weekEnding: CalendarDate, pv: Int64, ev: Int64, ac: Int64) {
        self.weekEnding = weekEnding
        self.pv = pv
        self.ev = ev
        self.ac = ac
    }
}

/// Earned value management (PMBOK) over a project's work items and cost actuals.
public enum EarnedValue {
    /// Figures as of `asOf` (inclusive).
    ///
    /// - PV: each item's budgeted cost spread linearly per calendar day over
    ///   [plannedStart, plannedFinish], cumulative up to `asOf`, in integer arithmetic: the share after
    ///   `n` of `d` days is `budget × n / d` truncated, so the last day lands exactly on the budget and
    ///   the same inputs always give the same cents. A one-day item is all planned on that day; an
    ///   item without dates contributes nothing; one with a single date is a one-day item on it.
    /// - EV: `budgetedCost × percentComplete / 100` per item, truncated so value is never claimed before
    ///   it is earned. Percent complete is only known as of now, so EV is the current value whatever
    ///   `asOf` is: exact for any `asOf` from today on, and for a past `asOf` an upper bound (progress
    ///   is not kept per day).
    /// - AC: the actuals dated on or before `asOf`.
    /// - BAC: every item's budgeted cost, dated or not.
    ///
    /// EAC is computed exactly as BAC × AC / EV (which is BAC / CPI) so its half-way rounding is not at
    /// the mercy of floating point; EAC, ETC and VAC are nil if EAC would not fit in `Int64`.
    public static func figures(items: [EarnedValueItem], actuals: [CostActual],
                               asOf: CalendarDate) -> EarnedValueFigures {
        var bac: Int128 = 0
        var pv: Int128 = 0
        var ev: Int128 = 0
        for item in items {
            bac += Int128(item.budgetedCost)
            pv += item.plannedValue(through: asOf)
            ev += item.earnedValue
        }
        var ac: Int128 = 0
        for actual in actuals where actual.date <= asOf {
            ac += Int128(actual.amount)
        }
        return figures(asOf: asOf, bac: MinorUnits.saturating(bac), pv: MinorUnits.saturating(pv),
                       ev: MinorUnits.saturating(ev), ac: MinorUnits.saturating(ac))
    }

    /// The variances, indices and estimates that follow from the four base amounts.
    static func figures(asOf: CalendarDate, bac: Int64, pv: Int64, ev: Int64, ac: Int64) -> EarnedValueFigures {
        let (bac128, pv128, ev128, ac128) = (Int128(bac), Int128(pv), Int128(ev), Int128(ac))
        // CPI = EV / AC is nil when AC is 0 and zero when EV is 0; EAC = BAC / CPI needs neither.
        let exactEAC = ac128 == 0 ? nil : MinorUnits.roundedQuotient(bac128 * ac128, ev128)
        let eac = exactEAC.flatMap { Int64(exactly: $0) }
        return EarnedValueFigures(
            asOf: asOf, bac: bac, pv: pv, ev: ev, ac: ac,
            sv: MinorUnits.saturating(ev128 - pv128),
            cv: MinorUnits.saturating(ev128 - ac128),
            spi: MinorUnits.ratio(ev128, pv128),
            cpi: MinorUnits.ratio(ev128, ac128),
            eac: eac,
            etc: eac.flatMap { Int64(exactly: Int128($0) - ac128) },
            vac: eac.flatMap { Int64(exactly: bac128 - Int128($0)) },
            tcpi: MinorUnits.ratio(bac128 - ev128, bac128 - ac128)
        )
    }
}

extension EarnedValueItem {
    /// How the budget is planned over time; nil without dates. Dates given in the wrong order are read
    /// as the span they enclose rather than silently dropping the budget from PV (field validation is
    /// where reversed dates get rejected).
    var plannedSpread: PlannedSpread? {
        let days: ClosedRange<Int>
        switch (plannedStart, plannedFinish) {
        case (nil, nil): return nil
        case let (day?, nil), let (nil, day?): days = day.daysSinceEpoch...day.daysSinceEpoch
        case let (start?, finish?):
            let (a, b) = (start.daysSinceEpoch, finish.daysSinceEpoch)
            days = min(a, b)...max(a, b)
        }
        return PlannedSpread(budget: budgetedCost, days: days)
    }

    /// Cumulative planned value through `day` (inclusive).
    func plannedValue(through day: CalendarDate) -> Int128 {
        plannedSpread?.cumulative(throughDay: day.daysSinceEpoch) ?? 0
    }

    /// The budget of the work done so far.
    var earnedValue: Int128 {
        Int128(budgetedCost) * Int128(min(max(percentComplete, 0), 100)) / 100
    }
}

/// An item's budget spread linearly per calendar day over inclusive days since the epoch, computed
/// once per item so a weekly series does not redo the calendar arithmetic at every point.
struct PlannedSpread {
    let budget: Int64
    let days: ClosedRange<Int>

    /// Cumulative planned value through `day`: `budget × elapsed / total`, truncated.
    func cumulative(throughDay day: Int) -> Int128 {
        let elapsed = day - days.lowerBound + 1
        // Most items are either not started or fully elapsed at a given date; only the rest need the
        // division, and in 128 bits only when budget × days would overflow 64.
        if elapsed <= 0 { return 0 }
        let total = days.count
        if elapsed >= total { return Int128(budget) }
        let (product, overflow) = budget.multipliedReportingOverflow(by: Int64(elapsed))
        if !overflow { return Int128(product / Int64(total)) }
        return Int128(budget) * Int128(elapsed) / Int128(total)
    }
}
