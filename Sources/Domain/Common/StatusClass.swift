/// The class of an HTTP status (`2xx` … `5xx`), the grain at which usage is metered.
public enum StatusClass: Int16, CaseIterable, Sendable {
    case success = 2, redirection = 3, clientError = 4, serverError = 5

    public init(status: Int) {
        self = StatusClass(rawValue: Int16(clamping: status / 100)) ?? .serverError
    }

    public var label: String { "\(rawValue)xx" }
}
