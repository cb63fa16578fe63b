/// One invalid field of a request, addressed by a JSON pointer (RFC 6901) such as `/plannedFinish`.
public struct FieldError: Equatable, Sendable {
    public var pointer: String
    public var detail: String

    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }
}

/// A request that is well-formed but breaks a domain rule; carries every offending field at once
/// so a client can fix them all in one round.
public struct ValidationFailure: Error, Equatable, Sendable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }
}

/// Collects field errors while a value is checked, then throws them together.
public struct FieldChecks: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func require(_ condition: Bool, _ pointer: String, _ detail: String) {
        if !condition { errors.append(FieldError(pointer: pointer, detail: detail)) }
    }

    public func throwIfAny() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
