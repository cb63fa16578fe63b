public import Hummingbird
public import NIOCore

/// Hummingbird's basic request context plus the client's address, which the API uses to throttle
/// failed authentication per address. The socket peer: behind a proxy that is the proxy, so put the
/// limit at the proxy too (docs/DEPLOYMENT.md).
public struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
