import APIDefinition
import Domain

// Between the domain's delivery enums (projects, work items, templates, dependencies, custom
// fields) and the contract's. Each conversion switches over every case without `default`, so a
// case added to either side fails the build here instead of a request at run time.

// MARK: Projects

extension Components.Schemas.Methodology {
    init(_ methodology: Domain.Methodology) {
        switch methodology {
        case .predictive: self = .predictive
        case .agile: self = .agile
        case .hybrid: self = .hybrid
        }
    }
}

extension Methodology {
    init(_ wire: Components.Schemas.Methodology) {
        switch wire {
        case .predictive: self = .predictive
        case .agile: self = .agile
        case .hybrid: self = .hybrid
        }
    }
}

extension Components.Schemas.ProjectPhase {
    init(_ phase: Domain.ProjectPhase) {
        switch phase {
        case .initiating: self = .initiating
        case .planning: self = .planning
        case .executing: self = .executing
        case .monitoring: self = .monitoring
        case .closing: self = .closing
        }
    }
}

extension ProjectPhase {
    init(_ wire: Components.Schemas.ProjectPhase) {
        switch wire {
        case .initiating: self = .initiating
        case .planning: self = .planning
        case .executing: self = .executing
        case .monitoring: self = .monitoring
        case .closing: self = .closing
        }
    }
}

extension Components.Schemas.ProjectStatus {
    init(_ status: Domain.ProjectStatus) {
        switch status {
        case .proposed: self = .proposed
        case .active: self = .active
        case .onHold: self = .onHold
        case .completed: self = .completed
        case .cancelled: self = .cancelled
        }
    }
}

extension ProjectStatus {
    init(_ wire: Components.Schemas.ProjectStatus) {
        switch wire {
        case .proposed: self = .proposed
        case .active: self = .active
        case .onHold: self = .onHold
        case .completed: self = .completed
        case .cancelled: self = .cancelled
        }
    }
}

// MARK: Work items

extension Components.Schemas.WorkItemKind {
    init(_ kind: Domain.WorkItemKind) {
        switch kind {
        case .deliverable: self = .deliverable
        case .workPackage: self = .workPackage
        case .task: self = .task
        case .milestone: self = .milestone
        case .story: self = .story
        case .bug: self = .bug
        }
    }
}

extension WorkItemKind {
    init(_ wire: Components.Schemas.WorkItemKind) {
        switch wire {
        case .deliverable: self = .deliverable
        case .workPackage: self = .workPackage
        case .task: self = .task
        case .milestone: self = .milestone
        case .story: self = .story
        case .bug: self = .bug
        }
    }
}

extension Components.Schemas.WorkItemStatus {
    init(_ status: Domain.WorkItemStatus) {
        switch status {
        case .notStarted: self = .notStarted
        case .inProgress: self = .inProgress
        case .blocked: self = .blocked
        case .done: self = .done
        case .cancelled: self = .cancelled
        }
    }
}

extension WorkItemStatus {
    init(_ wire: Components.Schemas.WorkItemStatus) {
        switch wire {
        case .notStarted: self = .notStarted
        case .inProgress: self = .inProgress
        case .blocked: self = .blocked
        case .done: self = .done
        case .cancelled: self = .cancelled
        }
    }
}

// MARK: Dependencies

extension Components.Schemas.DependencyType {
    init(_ type: Domain.DependencyType) {
        switch type {
        case .finishToStart: self = .fs
        case .startToStart: self = .ss
        case .finishToFinish: self = .ff
        case .startToFinish: self = .sf
        }
    }
}

extension DependencyType {
    init(_ wire: Components.Schemas.DependencyType) {
        switch wire {
        case .fs: self = .finishToStart
        case .ss: self = .startToStart
        case .ff: self = .finishToFinish
        case .sf: self = .startToFinish
        }
    }
}

// MARK: Custom fields

extension Components.Schemas.CustomFieldEntity {
    init(_ entity: Domain.CustomFieldEntity) {
        switch entity {
        case .project: self = .project
        case .workItem: self = .workItem
        }
    }
}

extension CustomFieldEntity {
    init(_ wire: Components.Schemas.CustomFieldEntity) {
        switch wire {
        case .project: self = .project
        case .workItem: self = .workItem
        }
    }
}

extension Components.Schemas.CustomFieldType {
    init(_ type: Domain.CustomFieldType) {
        switch type {
        case .text: self = .text
        case .number: self = .number
        case .date: self = .date
        case .enumeration: self = ._enum
        case .user: self = .user
        }
    }
}

extension CustomFieldType {
    init(_ wire: Components.Schemas.CustomFieldType) {
        switch wire {
        case .text: self = .text
        case .number: self = .number
        case .date: self = .date
        case ._enum: self = .enumeration
        case .user: self = .user
        }
    }
}
