import Foundation
public import HTTPTypes
import Hummingbird
public import HummingbirdTesting
import NIOFoundationEssentialsCompat

/// Small helpers so end-to-end tests read as requests and assertions.
extension TestClientProtocol {
    public func call(
        _ method: HTTPRequest.Method, _ uri: String, auth: String? = nil, json: String? = nil,
        headers extra: [String: String] = [:]
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let auth { headers[.authorization] = auth }
        if json != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: uri, method: method, headers: headers,
                                 body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestClientProtocol {
    /// A POST with an `application/x-www-form-urlencoded` body (the OAuth token endpoint).
    public func postForm(_ uri: String, _ form: String, headers extra: [String: String] = [:]) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: form))
    }
}

extension TestResponse {
    /// The body parsed as a JSON object (empty when it is not one).
    public var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    public var text: String { String(buffer: body) }

    /// The JSON pointers of a problem's field errors, in order.
    public var errorPointers: [String] {
        (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    public func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}
