import Domain
import Persistence

// What the delivery area's errors (projects, schedules, templates) tell a client.

extension IllegalStatusChange: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "illegal-transition", title: "Status change not allowed",
                   detail: "A project cannot move from \(from.rawValue) to \(to.rawValue).",
                   allowed: allowed.map(\.rawValue))
    }
}

extension DuplicateProjectCode: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "duplicate", title: "Duplicate code",
                   detail: "A project with code \(code) exists already.",
                   errors: [FieldError(pointer: "/code", detail: "is already used")])
    }
}

extension DependencyCycleFound: ProblemStating {
    var problem: APIProblem {
        let loop = (items + items.prefix(1)).map(\.title).joined(separator: " → ")
        return APIProblem(status: 422, type: "dependency-cycle", title: "Dependency cycle",
                          detail: "The dependency would close a cycle: \(loop).",
                          errors: [FieldError(pointer: "/predecessorId", detail: "depends, through others, on the successor")],
                          cycle: items.map { ($0.id.wire, $0.title) })
    }
}

extension DependencyCycle: ProblemStating {
    /// Refused when written; only a schedule over data written around that check meets one.
    var problem: APIProblem {
        APIProblem(status: 409, type: "dependency-cycle", title: "Dependency cycle",
                   detail: "The project's dependencies form a cycle; remove one of them.",
                   cycle: itemIDs.map { ($0.wire, "") })
    }
}

extension DuplicateDependency: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "duplicate", title: "Duplicate dependency",
                   detail: "These two work items are linked already.",
                   errors: [FieldError(pointer: "/successorId", detail: "already depends on this predecessor")])
    }
}

extension PlatformTemplateReadOnly: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 403, type: "platform-template", title: "Platform template",
                   detail: "Platform templates are read-only; copy one into a template of your own to change it.")
    }
}
