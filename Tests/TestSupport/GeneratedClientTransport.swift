public import APIDefinition
public import Foundation
public import HTTPTypes
import Hummingbird
public import HummingbirdTesting
public import OpenAPIRuntime

/// Carries the generated Swift `Client`'s requests over a HummingbirdTesting client (`.live`: a real
/// server on a socket), so tests call the API exactly as a tenant's Swift code does: typed bodies,
/// and header values encoded the way the generator encodes them.
public struct GeneratedClientTransport: ClientTransport {
    let client: any TestClientProtocol
    /// Sent with every request (the tenant's key).
    let authorization: String

    public init(_ client: any TestClientProtocol, authorization: String) {
        self.client = client
        self.authorization = authorization
    }

    public func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL,
                     operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var headers = request.headerFields
        headers[.authorization] = authorization
        let bytes: ByteBuffer? = if let body { ByteBuffer(bytes: try await [UInt8](collecting: body, upTo: 1 << 20)) } else { nil }
        let response = try await client.executeRequest(
            uri: request.path ?? "/", method: request.method, headers: headers, body: bytes)
        return (response.head, HTTPBody(Array(buffer: response.body)))
    }
}

extension Client {
    /// The generated client for a tenant's key, over `client`.
    public static func tenant(_ client: any TestClientProtocol, authorization: String) -> Client {
        Client(serverURL: URL(string: "/")!, transport: GeneratedClientTransport(client, authorization: authorization))
    }
}
