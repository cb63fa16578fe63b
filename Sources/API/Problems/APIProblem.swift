public import Domain
import Foundation
import HTTPTypes

/// An RFC 9457 problem: the only shape an error leaves the server in. `type` is a stable relative
/// URI under `/problems/`; `instance` is filled with the request id when the response is written.
public struct APIProblem: Error, Equatable, Sendable {
    public var status: Int
    public var type: String
    public var title: String
    public var detail: String?
    public var errors: [FieldError]
    /// For an illegal state change, the allowed next states (possibly none); nil otherwise.
    public var allowed: [String]?
    /// For a dependency cycle, the work items around it (id and title), in dependency order.
    public var cycle: [(id: String, title: String)]?
    /// For a gate that cannot pass: the mandatory criteria not signed off, and earlier stages without "go".
    public var unmetCriteria: [(id: String, title: String)]?
    public var openStages: [String]?
    public var unstableMetrics: [String]?
    /// For `onboarding-incomplete`: the mandatory onboarding steps still open.
    public var missingSteps: [String]?
    /// For `quota-exceeded`: the metric, the plan's hard quota, and the use when the write was refused.
    public var quota: (metric: String, limit: Int64, used: Int64)?
    /// Extra response headers, such as `WWW-Authenticate` or `Retry-After`.
    public var headers: [(name: String, value: String)]

    public init(status: Int, type: String, title: String, detail: String? = nil, errors: [FieldError] = [],
                allowed: [String]? = nil, cycle: [(id: String, title: String)]? = nil,
                headers: [(name: String, value: String)] = []) {
        self.status = status
        self.type = "/problems/\(type)"
        self.title = title
        self.detail = detail
        self.errors = errors
        self.allowed = allowed
        self.cycle = cycle
        self.headers = headers
    }

    public static func == (lhs: APIProblem, rhs: APIProblem) -> Bool {
        lhs.status == rhs.status && lhs.type == rhs.type && lhs.detail == rhs.detail && lhs.errors == rhs.errors
            && lhs.allowed == rhs.allowed
    }

    /// The JSON document, with the request id as `instance`.
    public func body(requestID: String) -> [UInt8] {
        var object: [String: Any] = ["type": type, "title": title, "status": status, "instance": requestID]
        if let detail { object["detail"] = detail }
        if !errors.isEmpty { object["errors"] = errors.map { ["pointer": $0.pointer, "detail": $0.detail] } }
        if let allowed { object["allowed"] = allowed }
        if let cycle { object["cycle"] = cycle.map { ["id": $0.id, "title": $0.title] } }
        if let unmetCriteria { object["unmetCriteria"] = unmetCriteria.map { ["id": $0.id, "title": $0.title] } }
        if let openStages { object["openStages"] = openStages }
        if let unstableMetrics { object["unstableMetrics"] = unstableMetrics }
        if let missingSteps { object["missingSteps"] = missingSteps }
        if let quota { object["quota"] = ["metric": quota.metric, "limit": quota.limit, "used": quota.used] as [String: Any] }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    public static let contentType = "application/problem+json"
}

extension APIProblem {
    public static func notFound(_ what: String) -> APIProblem {
        APIProblem(status: 404, type: "not-found", title: "Not found", detail: "\(what) does not exist.")
    }

    public static func validation(_ errors: [FieldError]) -> APIProblem {
        APIProblem(status: 422, type: "validation", title: "Invalid field values",
                   detail: "One or more fields break the rules; see errors.", errors: errors)
    }

    public static func badRequest(_ detail: String, errors: [FieldError] = []) -> APIProblem {
        APIProblem(status: 400, type: "malformed-request", title: "Malformed request", detail: detail, errors: errors)
    }

    public static func preconditionFailed() -> APIProblem {
        APIProblem(status: 412, type: "stale-version", title: "Resource changed",
                   detail: "If-Match does not match the current ETag; fetch the resource and retry.")
    }

    public static let notAMember = APIProblem(
        status: 403, type: "not-a-member", title: "Not a member",
        detail: "This operation is about the calling member; the credential belongs to an API client.")

    /// Too many failed authentications from this address or with this key prefix.
    public static func throttled(retryAfter seconds: Int) -> APIProblem {
        APIProblem(status: 429, type: "too-many-failed-attempts", title: "Too many failed attempts",
                   detail: "Authentication failed too often; try again in \(seconds) s.",
                   headers: [("Retry-After", String(seconds))])
    }

    /// The tenant's plan allows no more requests right now (its rate limit); `headers` are the
    /// `RateLimit` fields.
    static func rateLimited(retryAfter seconds: Int, headers: [(String, String)]) -> APIProblem {
        APIProblem(status: 429, type: "rate-limited", title: "Rate limit exceeded",
                   detail: "The plan's rate limit allows no more requests right now; retry in \(seconds) s.",
                   headers: [("Retry-After", String(seconds))] + headers)
    }

    public static let internalError = APIProblem(
        status: 500, type: "internal", title: "Internal error",
        detail: "The error was logged with this request's id.")

    public static let databaseUnavailable = APIProblem(
        status: 503, type: "unavailable", title: "Service unavailable",
        detail: "The database cannot be reached; retry shortly.", headers: [("Retry-After", "5")])

    /// The database answered but could not do the work in time (a statement or lock timeout, a
    /// deadlock, a restart cutting the statement): nothing was changed, and a retry may succeed.
    public static let databaseBusy = APIProblem(
        status: 503, type: "unavailable", title: "Service unavailable",
        detail: "The database could not complete the request in time; nothing was changed. Retry shortly.",
        headers: [("Retry-After", "2")])
}
