import Domain
import Persistence

/// An error a client caused, stating the problem it answers with (as Hummingbird's
/// `HTTPResponseError` does for HTTP errors). Errors of the lower layers (`Domain`, `Persistence`,
/// `Auth`) know nothing of HTTP: their conformances live in this folder, one file per area, so the
/// translation is a lookup rather than one switch over every layer's errors.
protocol ProblemStating: Error {
    var problem: APIProblem { get }
}

extension APIProblem: ProblemStating {
    var problem: APIProblem { self }
}

extension ValidationFailure: ProblemStating {
    var problem: APIProblem { .validation(errors) }
}

extension ExportPending: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "export-pending", title: "An export is under way",
                   detail: "The organisation's previous export is still queued or running; ask again once it has finished.")
    }
}

extension DuplicateName: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "duplicate", title: "Duplicate name",
                   detail: "A \(kind) with \(field) \(name) exists already.",
                   errors: [FieldError(pointer: "/\(field)", detail: "is already used")])
    }
}

extension HasChildren: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "has-children", title: "Still has children",
                   detail: "The \(kind) still has \(count) \(childKind); move or delete them first.")
    }
}

extension UnknownParent: ProblemStating {
    var problem: APIProblem {
        let which = id.map { " \($0.wire)" } ?? ""
        return .validation([FieldError(pointer: "/\(field)", detail: "names no \(kind)\(which) of this organisation")])
    }
}

extension IdempotencyKeyInFlight: ProblemStating {
    var problem: APIProblem {
        APIProblem(status: 409, type: "idempotency-key-in-flight", title: "Concurrent retry",
                   detail: "Another request with this Idempotency-Key completed first; retry to get its response.")
    }
}
