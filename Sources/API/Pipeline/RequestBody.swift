import Foundation

/// A request's body, parsed once when the request arrives, for what the generated types cannot
/// tell: which keys a PATCH names (merge semantics: absent leaves a field, `null` clears it), where
/// the contract forbids `null`, and the open-ended `customFields` objects. The generated router
/// decodes the same bytes into the operation's typed body; nothing else parses them.
struct RequestBody: @unchecked Sendable {
    // @unchecked: `object` holds the immutable Foundation containers JSONSerialization returns; they
    // are never mutated after `init`.
    let bytes: [UInt8]
    /// The body's top-level JSON object; nil when the body is empty or not a JSON object.
    let object: [String: Any]?
    /// Whether the body is JSON at all (any value, an object or not).
    let isJSON: Bool

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        let parsed = bytes.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        object = parsed as? [String: Any]
        isJSON = parsed != nil
    }

    /// The top-level keys the body names (present with a value or with `null`).
    var keys: Set<String> { Set(object?.keys ?? [:].keys) }

    /// Whether the body names `key` (a PATCH then writes it, `null` included).
    func names(_ key: String) -> Bool { object?[key] != nil }

    /// The `customFields` object of the body; nil when absent.
    var customFields: [String: Any]? { object?["customFields"] as? [String: Any] }

    /// The `customFields` object of each of the first `count` entries of a bulk body's `items`.
    func customFields(ofItems count: Int) -> [[String: Any]?] {
        let items = object?["items"] as? [Any] ?? []
        return (0..<count).map { index in
            index < items.count ? (items[index] as? [String: Any])?["customFields"] as? [String: Any] : nil
        }
    }
}
