import Foundation

/// A template's plan (docs/DOMAIN.md §3): phases, standard work items placed by working-day offsets from
/// the project's start, the dependencies between them, and default risk categories. The same rules
/// hold for platform templates and a tenant's own.
public struct TemplateContent: Codable, Equatable, Sendable {
    public struct Item: Codable, Equatable, Sendable {
        public var key: String
        public var title: String
        public var kind: String
        public var parentKey: String?
        public var phase: String?
        public var offsetDays: Int
        public var durationDays: Int
        public var budgetedCost: Int64

        public init(key: String, title: String, kind: String, parentKey: String?, phase: String?, offsetDays: Int,
                    durationDays: Int, budgetedCost: Int64) {
            self.key = key
            self.title = title
            self.kind = kind
            self.parentKey = parentKey
            self.phase = phase
            self.offsetDays = offsetDays
            self.durationDays = durationDays
            self.budgetedCost = budgetedCost
        }
    }

    public struct Dependency: Codable, Equatable, Sendable {
        public var predecessorKey: String
        public var successorKey: String
        public var type: String
        public var lagDays: Int

        public init(predecessorKey: String, successorKey: String, type: String, lagDays: Int) {
            self.predecessorKey = predecessorKey
            self.successorKey = successorKey
            self.type = type
            self.lagDays = lagDays
        }
    }

    public var phases: [String]
    public var items: [Item]
    public var dependencies: [Dependency]
    public var riskCategories: [String]

    public init(phases: [String], items: [Item], dependencies: [Dependency], riskCategories: [String]) {
        self.phases = phases
        self.items = items
        self.dependencies = dependencies
        self.riskCategories = riskCategories
    }

    /// Checks every rule and reports all violations, with pointers under `pointer`.
    public func validate(at pointer: String = "/content") throws(ValidationFailure) {
        var checks = FieldChecks()
        checks.require((1...20).contains(phases.count), pointer + "/phases", "must hold 1–20 phases")
        checks.require(Set(phases).count == phases.count, pointer + "/phases", "must not repeat a phase")
        for (index, phase) in phases.enumerated() { checks.requireName(phase, at: "\(pointer)/phases/\(index)") }
        checks.require((1...500).contains(items.count), pointer + "/items", "must hold 1–500 items")
        var keys: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let at = "\(pointer)/items/\(index)"
            checks.require(Self.isKey(item.key), at + "/key", "must be 1–64 of a–z, 0–9 and '-', starting with a letter or digit")
            checks.require(keys[item.key] == nil, at + "/key", "is used by another item")
            checks.require(TextRules.isPrintable(item.title, maxLength: 500) && !TextRules.isBlank(item.title), at + "/title",
                           "must be 1–500 characters, not blank, without control characters")
            let kind = WorkItemKind(rawValue: item.kind)
            checks.require(kind != nil, at + "/kind", "must be one of \(WorkItemKind.allCases.map(\.rawValue).joined(separator: ", "))")
            if let parent = item.parentKey { checks.require(keys[parent] != nil, at + "/parentKey", "must be the key of an earlier item") }
            if let phase = item.phase { checks.require(phases.contains(phase), at + "/phase", "must be one of the template's phases") }
            checks.require((0...5000).contains(item.offsetDays), at + "/offsetDays", "must be 0–5,000 working days")
            if kind == .milestone {
                checks.require(item.durationDays == 0, at + "/durationDays", "must be 0: a milestone has zero duration")
            } else {
                checks.require((1...2000).contains(item.durationDays), at + "/durationDays", "must be 1–2,000 working days")
            }
            checks.require((0...WorkItemFields.maximumCost).contains(item.budgetedCost), at + "/budgetedCost",
                           "must be 0–10^13 minor units")
            keys[item.key] = keys[item.key] ?? index
        }
        checks.require(dependencies.count <= 1000, pointer + "/dependencies", "must hold at most 1,000 dependencies")
        var pairs: Set<[String]> = []
        for (index, link) in dependencies.enumerated() {
            let at = "\(pointer)/dependencies/\(index)"
            checks.require(keys[link.predecessorKey] != nil, at + "/predecessorKey", "must be the key of an item")
            checks.require(keys[link.successorKey] != nil, at + "/successorKey", "must be the key of an item")
            checks.require(link.predecessorKey != link.successorKey, at + "/successorKey", "must differ from the predecessor")
            checks.require(DependencyType(rawValue: link.type) != nil, at + "/type", "must be FS, SS, FF or SF")
            checks.require((-3650...3650).contains(link.lagDays), at + "/lagDays", "must be -3,650–3,650")
            checks.require(pairs.insert([link.predecessorKey, link.successorKey]).inserted, at, "links the same two items again")
        }
        if let cycle = cycle(keys: keys) {
            checks.require(false, pointer + "/dependencies", "form a cycle: \(cycle.joined(separator: " → "))")
        }
        checks.require(riskCategories.count <= 50 && Set(riskCategories).count == riskCategories.count,
                       pointer + "/riskCategories", "must hold at most 50 distinct categories")
        for (index, category) in riskCategories.enumerated() { checks.requireName(category, at: "\(pointer)/riskCategories/\(index)") }
        try checks.throwIfAny()
    }

    /// The keys around a dependency cycle, if the dependencies have one.
    private func cycle(keys: [String: Int]) -> [String]? {
        var ids: [String: UInt64] = [:]
        for (offset, key) in keys.keys.sorted().enumerated() { ids[key] = UInt64(offset + 1) }
        func uuid(_ key: String) -> UUID { UUID(uuid: Self.bytes(ids[key] ?? 0)) }
        let links = dependencies.compactMap { link -> ScheduleDependency? in
            guard ids[link.predecessorKey] != nil, ids[link.successorKey] != nil, link.predecessorKey != link.successorKey
            else { return nil }
            return ScheduleDependency(predecessor: uuid(link.predecessorKey), successor: uuid(link.successorKey))
        }
        let items = keys.keys.map { ScheduleItem(id: uuid($0), durationDays: 1) }
        do {
            _ = try CriticalPath.schedule(items: items, dependencies: links, projectStart: CalendarDate(daysSinceEpoch: 0),
                                          calendar: .standard)
            return nil
        } catch {
            let names = Dictionary(uniqueKeysWithValues: ids.map { (uuid($0.key), $0.key) })
            return error.itemIDs.compactMap { names[$0] }
        }
    }

    private static func bytes(_ value: UInt64) -> uuid_t {
        let b = withUnsafeBytes(of: value.bigEndian) { Array($0) }
        return (0, 0, 0, 0, 0, 0, 0, 0, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7])
    }

    static func isKey(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func allowed(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard (1...64).contains(bytes.count), let first = bytes.first, allowed(first) else { return false }
        return bytes.allSatisfy { allowed($0) || $0 == UInt8(ascii: "-") }
    }
}

/// A template made into a project's plan: each phase becomes a top-level work package holding its
/// items without a parent; items are placed by their offsets on the calendar from `start`.
public struct TemplatePlan: Sendable {
    public struct Entry: Sendable {
        public var key: String
        public var parentKey: String?
        public var fields: WorkItemFields
    }

    public var entries: [Entry]
    public var dependencies: [TemplateContent.Dependency]

    public init(_ content: TemplateContent, start: CalendarDate, calendar: WorkingCalendar) throws(ValidationFailure) {
        let first = calendar.nextWorkingDay(onOrAfter: start)
        var entries: [Entry] = []
        var placed: [String: WorkItemFields] = [:]
        for item in content.items {
            let kind = WorkItemKind(rawValue: item.kind) ?? .task
            let fields = try WorkItemFields(
                kind: kind, title: item.title, plannedStart: calendar.adding(workingDays: item.offsetDays, to: first),
                durationDays: item.durationDays, budgetedCost: item.budgetedCost
            ).scheduled(on: calendar)
            placed[item.key] = fields
            entries.append(Entry(key: item.key, parentKey: item.parentKey ?? item.phase.map { "phase:" + $0 }, fields: fields))
        }
        // Phases span their items (directly or through their descendants' top-level ancestors).
        var phaseEntries: [Entry] = []
        for phase in content.phases {
            let members = content.items.filter { $0.parentKey == nil && $0.phase == phase }.compactMap { placed[$0.key] }
            let starts = members.compactMap(\.plannedStart), finishes = members.compactMap(\.plannedFinish)
            var fields = WorkItemFields(kind: .workPackage, title: phase, plannedStart: starts.min(), plannedFinish: finishes.max())
            if fields.plannedStart != nil { fields = try fields.scheduled(on: calendar) }
            phaseEntries.append(Entry(key: "phase:" + phase, parentKey: nil, fields: fields))
        }
        self.entries = phaseEntries + entries
        self.dependencies = content.dependencies
    }
}
