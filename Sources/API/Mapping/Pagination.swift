import Auth
import Domain
import Foundation

/// Cursor pagination (API-CONVENTIONS "Lists"): the cursor is the last id of the previous page,
/// base64url-encoded so clients treat it as opaque.
enum Pagination {
    static let defaultLimit = 50
    static let maxLimit = 200

    static func limit(_ requested: Int?) throws(APIProblem) -> Int {
        let limit = requested ?? defaultLimit
        guard (1...maxLimit).contains(limit) else {
            throw .badRequest("limit must be between 1 and \(maxLimit).",
                              errors: [.init(pointer: "/limit", detail: "must be 1–\(maxLimit)")])
        }
        return limit
    }

    static func decode(cursor: String?) throws(APIProblem) -> UUID? {
        guard let cursor else { return nil }
        guard let data = Base64URL.decode(cursor[...]), data.count == 16 else {
            throw .badRequest("cursor is not one this API returned.", errors: [.init(pointer: "/cursor", detail: "unknown cursor")])
        }
        let b = Array(data)
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// Splits rows read with `limit + 1` (one more tells whether another page follows) into the
    /// page and the cursor of the next one, nil on the last page.
    static func split<Row>(_ rows: [Row], limit: Int, id: (Row) -> UUID) -> (items: ArraySlice<Row>, nextCursor: String?) {
        let items = rows.prefix(limit)
        return (items, rows.count > limit ? items.last.map { encode(cursor: id($0)) } : nil)
    }

    static func encode(cursor id: UUID) -> String {
        let u = id.uuid
        return Base64URL.encode([u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15])
    }
}

/// Optimistic concurrency (API-CONVENTIONS "Writes"): ETag is the quoted version.
enum Preconditions {
    /// The `ETag` of a resource at `version`.
    static func etag(version: Int64) -> String { "\"\(version)\"" }

    /// A parsed `If-Match`: any version (`*`) or one of a list.
    enum IfMatch: Equatable {
        case any
        case versions([Int64])
    }

    /// Parses `If-Match`. Entity tags we did not issue match nothing, so a malformed value leads to
    /// 412 like any other non-matching one (RFC 9110 §13.1.1), never to a write.
    static func parse(ifMatch: String?) -> IfMatch? {
        guard let ifMatch else { return nil }
        if ifMatch.trimmingCharacters(in: .whitespaces) == "*" { return .any }
        let versions = ifMatch.split(separator: ",").compactMap { part -> Int64? in
            // If-Match uses strong comparison (RFC 9110 §13.1.1): a weak tag W/"3" matches nothing.
            let tag = Substring(part.trimmingCharacters(in: .whitespaces))
            guard tag.count >= 3, tag.first == "\"", tag.last == "\"" else { return nil }
            return Int64(tag.dropFirst().dropLast())
        }
        return .versions(versions)
    }

    /// Throws 412 when the resource's version is not one the client named.
    /// `currentVersion` nil: there is no resource yet, which no entity tag matches, not even `*`
    /// (RFC 9110 §13.1.1).
    static func check(_ ifMatch: IfMatch?, currentVersion: Int64?) throws(APIProblem) {
        switch ifMatch {
        case nil: return
        case .any: if currentVersion == nil { throw .preconditionFailed() }
        case .versions(let versions):
            guard let currentVersion, versions.contains(currentVersion) else { throw .preconditionFailed() }
        }
    }
}
