import Domain
import Foundation
import Persistence

// What the billing area's errors tell a client.

extension UnknownPlan: ProblemStating {
    var problem: APIProblem {
        let which = version.map { " version \($0)" } ?? ""
        return .validation([FieldError(pointer: version == nil ? "/plan" : "/version", detail: "names no plan \(code)\(which) of the catalogue")])
    }
}

extension ArchivedPlan: ProblemStating {
    var problem: APIProblem {
        .validation([FieldError(pointer: "/plan", detail: "plan \(code) is archived: no subscription may start on it")])
    }
}

extension ConcurrentPlanEdit: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "concurrent-edit", title: "Edited concurrently",
                   detail: "Another version of plan \(code) was added at the same time; read it and retry.")
    }
}

extension RefusedPlanChange: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "plan-change-refused", title: "Plan change refused", detail: reason + ".")
    }
}

extension QuotaExceeded: ProblemStating {
    var problem: APIProblem {
        var problem = APIProblem(
            status: 403, type: "quota-exceeded", title: "Quota exceeded",
            detail: "The plan allows at most \(limit) \(metric.rawValue.replacingOccurrences(of: "_", with: " ")); "
                + "\(used) are in use, so this write would go beyond. Nothing was changed.")
        problem.quota = (metric.rawValue, limit, used)
        return problem
    }
}

extension RefusedInvoiceChange: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "invoice-state", title: "Not allowed in the invoice's state", detail: reason + ".")
    }
}
