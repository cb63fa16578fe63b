import Synchronization

/// Whether the server is draining before shutdown: readiness then answers 503, so a load balancer
/// stops sending new connections, and every response says `Connection: close`, so clients open
/// their next connection elsewhere, while every request that reaches the server is still answered.
public final class ServerDrain: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func begin() { draining.store(true, ordering: .relaxed) }
}
