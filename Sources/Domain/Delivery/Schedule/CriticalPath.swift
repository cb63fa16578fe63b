public import struct Foundation.UUID

/// A work item as the scheduler sees it.
public struct ScheduleItem: Sendable, Equatable {
    public var id: UUID
    /// Working days; 0 makes the item a milestone. Negative values count as 0.
    public var durationDays: Int
    /// "Start no earlier than": e.g. the item's planned start. Moved to the next working day if it is
    /// not one; ignored if it is before the project start.
    public var notBefore: CalendarDate?

    public init(id: UUID, durationDays: Int, notBefore: CalendarDate? = nil) {
        self.id = id
        self.durationDays = durationDays
        self.notBefore = notBefore
    }
}

/// One item's computed dates. Start and finish dates are working days and both inclusive: a 3-day task
/// starting on Monday finishes on Wednesday. A milestone's start and finish are the same date.
public struct ScheduledItem: Sendable, Equatable {
    public var id: UUID
    public var earlyStart: CalendarDate
    public var earlyFinish: CalendarDate
    public var lateStart: CalendarDate
    public var lateFinish: CalendarDate
    /// Working days the item can slip without moving the project finish.
    public var totalFloat: Int
    /// Working days the item can slip without moving any successor's early dates (or the project finish).
    public var freeFloat: Int
    public var isCritical: Bool

    public init(id: UUID, earlyStart: CalendarDate, earlyFinish: CalendarDate, lateStart: CalendarDate,
                lateFinish: CalendarDate, totalFloat: Int, freeFloat: Int, isCritical: Bool) {
        self.id = id
        self.earlyStart = earlyStart
        self.earlyFinish = earlyFinish
        self.lateStart = lateStart
        self.lateFinish = lateFinish
        self.totalFloat = totalFloat
        self.freeFloat = freeFloat
        self.isCritical = isCritical
    }
}

public struct Schedule: Sendable, Equatable {
    /// One entry per input item, in the input order.
    public var items: [ScheduledItem]
    /// The first working day on or after the requested project start.
    public var start: CalendarDate
    /// The latest early finish date of any item (`start` when there are no items).
    public var finish: CalendarDate
    /// The critical items in early-start order; items starting the same day keep dependency order.
    public var criticalItems: [UUID]

    public init(items: [ScheduledItem], start: CalendarDate, finish: CalendarDate, criticalItems: [UUID]) {
        self.items = items
        self.start = start
        self.finish = finish
        self.criticalItems = criticalItems
    }
}

/// The dependencies form a loop, so no item on it could ever start. `itemIDs` follow the dependencies
/// around the loop, starting with the item listed first in the input.
public struct DependencyCycle: Error, Equatable, Sendable {
    public let itemIDs: [UUID]

    public init(itemIDs: [UUID]) {
        self.itemIDs = itemIDs
    }
}

/// The critical path method: a forward pass for the early dates, a backward pass for the late dates,
/// floats from the difference.
///
/// Conventions (those of MS Project and Primavera P6, which work on instants between working days):
/// - All arithmetic is on working-day indexes: index 0 is the first working day on or after the project
///   start, and durations, lags and floats are counted in working days of the given calendar.
/// - Internally an item occupies the half-open span [ES, EF) with EF = ES + duration, i.e. ES is the
///   start of its first working day and EF the start of the working day after its last one. Shown as
///   dates, a task with duration d > 0 starting on working day s finishes on working day s + d − 1.
/// - With that, the four dependency types are plain inequalities (lag L, negative L is a lead):
///     FS: succ.ES ≥ pred.EF + L    SS: succ.ES ≥ pred.ES + L
///     FF: succ.EF ≥ pred.EF + L    SF: succ.EF ≥ pred.ES + L
///   These are the scheduling textbooks' day-number formulas (days numbered from 1, finish days
///   inclusive) once their finish day EFd = EF − 1 is substituted: FS succ.ES ≥ pred.EFd + 1 + L,
///   SS succ.ES ≥ pred.ES + L, FF succ.EFd ≥ pred.EFd + L, SF succ.EFd ≥ pred.ES + L − 1.
/// - A milestone (duration 0) is the instant at the start of working day ES, and it is dated that day
///   (start = finish). Its finish is therefore the end of the previous working day: an FS successor of
///   a milestone may start on the milestone's date, and a milestone FS-after a task finishing on
///   Friday is dated the following Monday, the first working moment after the task is complete.
///   (MS Project, which keeps times of day, shows that milestone on Friday at 17:00 instead; with whole
///   days only one rule can hold, and this one lets FS successors start on the milestone's date.)
/// - Nothing starts before the project start: a lead that would pull an item earlier is cut off there.
///   `notBefore` is a further lower bound on the start (also for items with predecessors).
/// - The project finishes at the largest EF; the backward pass starts every item from there (an item's
///   late finish never exceeds the project finish, even when only SS or SF links follow it).
/// - Total float = LS − ES; critical means total float ≤ 0 (never negative here: there are no
///   deadlines). Free float = the smallest slack any outgoing dependency leaves with every item at its
///   early dates, counting the project finish as a successor of every item.
/// - Dependencies naming an item that is not in `items` are ignored: the API validates references,
///   and a scheduler that traps on stale data would take the whole request down. If two items share an
///   id, dependencies attach to the first.
public enum CriticalPath {
    /// Forward and backward pass. Throws the items of one cycle (in dependency order) if the graph
    /// has one. Linear in items + dependencies, plus one step per calendar day of the schedule's span.
    public static func schedule(items: [ScheduleItem], dependencies: [ScheduleDependency],
                                projectStart: CalendarDate,
                                calendar: WorkingCalendar) throws(DependencyCycle) -> Schedule {
        let count = items.count
        var position = [UUID: Int](minimumCapacity: count)
        for (index, item) in items.enumerated() where position[item.id] == nil { position[item.id] = index }

        var edges: [(from: Int, to: Int, source: Int)] = []
        edges.reserveCapacity(dependencies.count)
        for (number, dependency) in dependencies.enumerated() {
            guard let from = position[dependency.predecessor], let to = position[dependency.successor]
            else { continue }
            edges.append((from, to, number))
        }
        let graph = DependencyGraph(nodeCount: count, edges: edges)
        let order = graph.topologicalOrder()
        guard order.count == count else {
            let cycle = startingWithFirstListed(graph.findCycle(skipping: order) ?? [])
            throw DependencyCycle(itemIDs: cycle.map { items[$0].id })
        }

        // Per-slot copies of the dependency data, read sequentially by both passes.
        let slotTypes = graph.sources.map { dependencies[$0].type }
        let slotLags = graph.sources.map { dependencies[$0].lagDays }
        let durations = items.map { max(0, $0.durationDays) }

        var calendarIndex = WorkingDayIndex(calendar: calendar, origin: projectStart)

        // Forward pass in topological order: each item, once its start is fixed, pushes its bounds to
        // its successors' earliest start (FS, SS) or earliest finish (FF, SF).
        var earliestStart = [Int](repeating: 0, count: count)
        for (index, item) in items.enumerated() {
            if let notBefore = item.notBefore { earliestStart[index] = calendarIndex.index(onOrAfter: notBefore) }
        }
        var earliestFinish = [Int](repeating: 0, count: count)
        var earlyStart = [Int](repeating: 0, count: count)
        var earlyFinish = [Int](repeating: 0, count: count)
        for node in order {
            let start = max(earliestStart[node], earliestFinish[node] - durations[node])
            let finish = start + durations[node]
            earlyStart[node] = start
            earlyFinish[node] = finish
            for slot in graph.successorSlots(of: node) {
                let type = slotTypes[slot]
                let bound = (type.measuresFromPredecessorFinish ? finish : start) + slotLags[slot]
                let successor = graph.targets[slot]
                if type.constrainsSuccessorStart {
                    earliestStart[successor] = max(earliestStart[successor], bound)
                } else {
                    earliestFinish[successor] = max(earliestFinish[successor], bound)
                }
            }
        }
        let projectFinish = earlyFinish.max() ?? 0

        // Backward pass in reverse topological order: each item's late finish is the tightest limit its
        // successors' late dates put on it; free float comes from the same dependencies at early dates.
        var lateStart = [Int](repeating: 0, count: count)
        var lateFinish = [Int](repeating: 0, count: count)
        var freeFloat = [Int](repeating: 0, count: count)
        for node in order.reversed() {
            let duration = durations[node]
            var latest = projectFinish
            var free = projectFinish - earlyFinish[node]
            for slot in graph.successorSlots(of: node) {
                let type = slotTypes[slot]
                let lag = slotLags[slot]
                let successor = graph.targets[slot]
                // The latest the predecessor's measured end (finish for FS/FF, start for SS/SF) may be.
                let limit = (type.constrainsSuccessorStart ? lateStart[successor] : lateFinish[successor]) - lag
                latest = min(latest, type.measuresFromPredecessorFinish ? limit : limit + duration)
                let successorEarly = type.constrainsSuccessorStart ? earlyStart[successor] : earlyFinish[successor]
                let measured = type.measuresFromPredecessorFinish ? earlyFinish[node] : earlyStart[node]
                free = min(free, successorEarly - (measured + lag))
            }
            lateFinish[node] = latest
            lateStart[node] = latest - duration
            freeFloat[node] = free
        }

        // Back to dates. Every index used below lies in 0...projectFinish.
        calendarIndex.cover(throughIndex: projectFinish)
        var lastFinishIndex = 0
        var scheduled: [ScheduledItem] = []
        scheduled.reserveCapacity(count)
        for index in 0..<count {
            let duration = durations[index]
            // The inclusive finish day: the last working day of a task, the day of a milestone.
            let earlyFinishDay = duration > 0 ? earlyFinish[index] - 1 : earlyStart[index]
            let lateFinishDay = duration > 0 ? lateFinish[index] - 1 : lateStart[index]
            lastFinishIndex = max(lastFinishIndex, earlyFinishDay)
            let totalFloat = lateStart[index] - earlyStart[index]
            scheduled.append(ScheduledItem(
                id: items[index].id,
                earlyStart: calendarIndex.date(at: earlyStart[index]),
                earlyFinish: calendarIndex.date(at: earlyFinishDay),
                lateStart: calendarIndex.date(at: lateStart[index]),
                lateFinish: calendarIndex.date(at: lateFinishDay),
                totalFloat: totalFloat,
                freeFloat: freeFloat[index],
                isCritical: totalFloat <= 0))
        }

        var rank = [Int](repeating: 0, count: count)
        for (position, node) in order.enumerated() { rank[node] = position }
        let critical = (0..<count)
            .filter { scheduled[$0].isCritical }
            .sorted { (earlyStart[$0], rank[$0]) < (earlyStart[$1], rank[$1]) }

        return Schedule(items: scheduled,
                        start: calendarIndex.date(at: 0),
                        finish: calendarIndex.date(at: lastFinishIndex),
                        criticalItems: critical.map { items[$0].id })
    }

    /// The cycle that adding `candidate` to `existing` would close: the item ids along it, starting at
    /// `candidate.successor` and ending at `candidate.predecessor` (the shortest such loop), or nil if
    /// the graph stays acyclic. A dependency of an item on itself is a cycle of that one item.
    /// Assumes `existing` is acyclic; one breadth-first search from the successor, linear in its size.
    public static func cycle(adding candidate: ScheduleDependency, to existing: [ScheduleDependency]) -> [UUID]? {
        if candidate.predecessor == candidate.successor { return [candidate.successor] }
        var ids: [UUID] = []
        var position: [UUID: Int] = [:]
        position.reserveCapacity(existing.count)
        func node(_ id: UUID) -> Int {
            if let known = position[id] { return known }
            position[id] = ids.count
            ids.append(id)
            return ids.count - 1
        }
        var edges: [(from: Int, to: Int, source: Int)] = []
        edges.reserveCapacity(existing.count)
        for (number, dependency) in existing.enumerated() {
            edges.append((node(dependency.predecessor), node(dependency.successor), number))
        }
        // A path back needs both ends to appear in the existing dependencies.
        guard let start = position[candidate.successor], let goal = position[candidate.predecessor] else { return nil }
        let graph = DependencyGraph(nodeCount: ids.count, edges: edges)
        return graph.shortestPath(from: start, to: goal)?.map { ids[$0] }
    }

    /// Rotates a cycle so that it starts with its lowest index (the item listed first), which makes the
    /// error message independent of where the search happened to enter the loop.
    private static func startingWithFirstListed(_ cycle: [Int]) -> [Int] {
        guard let first = cycle.indices.min(by: { cycle[$0] < cycle[$1] }) else { return cycle }
        return Array(cycle[first...] + cycle[..<first])
    }
}
