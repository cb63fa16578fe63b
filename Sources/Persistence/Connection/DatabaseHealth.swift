import Logging
import PostgresNIO
import Synchronization

/// Whether the database answered the last health probe. Requests consult it before touching the
/// pool, so while the database is unreachable they are answered 503 at once instead of each
/// waiting out its own bound.
public final class DatabaseHealth: Sendable {
    private let reachable = Atomic<Bool>(true)

    public init() {}

    public var isReachable: Bool { reachable.load(ordering: .relaxed) }

    /// Probes once with `select 1` over `probe`, a pool of its own whose limits bound the probe (a
    /// frozen database's socket is closed under it), records the result, logs changes, and
    /// returns it.
    @discardableResult
    public func probe(_ probe: Database) async -> Bool {
        let answered: Bool
        do {
            _ = try await probe.query("select 1")
            answered = true
        } catch {
            answered = false
        }
        let before = reachable.exchange(answered, ordering: .relaxed)
        if before != answered {
            if answered {
                probe.logger.notice("database reachable again", metadata: ["database": "\(probe.target)"])
            } else {
                probe.logger.error("database unreachable; answering 503", metadata: ["database": "\(probe.target)"])
            }
        }
        return answered
    }
}
