import Foundation
import Logging
import NIOCore
public import PostgresNIO
import Synchronization

/// A fixed number of database connections, opened at start and replaced when lost, with every wait
/// bounded. postgres-nio's own pool is not used: with its minimum equal to its maximum (the only
/// configuration that arms no timer per request) it trips a precondition and stops the process
/// when connections are being re-created while requests queue (a PostgreSQL restart under load),
/// and a request waiting in it waits for as long as no connection can be made.
///
/// Bounds, all enforced by one maintenance loop (`run()`) that ticks every 100 ms, so a request
/// pays for no timer of its own:
/// - a request waits at most `acquireTimeout` for a free connection, and not at all when no
///   connection is open and the last attempt to open one failed (`DatabaseUnavailable`: 503);
/// - a request holds a connection at most `leaseLimit`: past it the connection is closed under the
///   request, whose query then fails at once (the way a request stuck on a frozen database ends;
///   a database that answers ends it sooner with `statement_timeout`);
/// - opening a connection takes at most `connectTimeout`, after which it is retried with backoff.
public final class DatabasePool: Sendable {
    public struct Limits: Sendable {
        public var size: Int
        public var acquireTimeout: Duration
        public var leaseLimit: Duration?
        public var connectTimeout: Duration

        public init(size: Int, acquireTimeout: Duration, leaseLimit: Duration?, connectTimeout: Duration = .seconds(5)) {
            self.size = size
            self.acquireTimeout = acquireTimeout
            self.leaseLimit = leaseLimit
            self.connectTimeout = connectTimeout
        }

        /// Admin commands and tests: no lease limit, since migrations and manifests take as long
        /// as they take; an unreachable database still fails the first query at once.
        public static let administration = Limits(size: 2, acquireTimeout: .seconds(30), leaseLimit: nil)
        /// The server's start-up check: the database must answer within 10 s.
        public static let startup = Limits(size: 1, acquireTimeout: .seconds(10), leaseLimit: .seconds(10),
                                           connectTimeout: .seconds(10))
    }

    public let limits: Limits
    /// Where the connections go, for messages (never with a password).
    public let target: String
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let state = Mutex(State())
    static let tick = Duration.milliseconds(100)

    public init(configuration: PostgresConnection.Configuration, limits: Limits, target: String, logger: Logger) {
        var configuration = configuration
        // postgres-nio bounds the socket connect and the startup handshake with this, and closes
        // the channel itself when it passes (a task racing a timer would leak a late connection).
        configuration.options.connectTimeout = .init(limits.connectTimeout)
        self.configuration = configuration
        self.limits = limits
        self.target = target
        // At `trace` the driver logs every row it receives on the connection, secrets too.
        var logger = logger
        logger.logLevel = max(logger.logLevel, .debug)
        self.logger = logger
    }

    private struct Waiter {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<PostgresConnection, any Error>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var leased: [PostgresConnection.ID: (connection: PostgresConnection, since: ContinuousClock.Instant)] = [:]
        var waiters: [Waiter] = []
        /// Leased connections being closed under their holder: never recycled when given back.
        var doomed: Set<PostgresConnection.ID> = []
        var connecting = 0
        var nextConnectionID = 0
        var nextWaiterID: UInt64 = 0
        /// Consecutive failed attempts to connect, and when the next may start.
        var failures = 0
        var lastFailure: (any Error)?
        var retryAt = ContinuousClock.Instant.now
        var closed = false

        var open: Int { idle.count + leased.count }

        /// The most recently used idle connection that is still open. One the server closed may
        /// be idle until its close is seen: it is dropped, never handed out (a query written to a
        /// closed channel is never answered).
        mutating func popOpenIdle() -> PostgresConnection? {
            while let connection = idle.popLast() {
                if !connection.isClosed { return connection }
            }
            return nil
        }
        /// No connection to hand out and none coming soon: waiting would only run into the timeout.
        var unavailable: Bool { open == 0 && failures > 0 }
    }

    // MARK: Leasing

    /// A connection for `work`, given back afterwards (closed if it broke, then replaced).
    public func withConnection<Result>(_ work: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await lease()
        defer { release(connection) }
        return try await work(connection)
    }

    func lease() async throws -> PostgresConnection {
        let now = ContinuousClock.now
        let immediate: Swift.Result<PostgresConnection, any Error>? = state.withLock { state in
            if state.closed { return .failure(DatabaseUnavailable(target: target, limit: .zero)) }
            if let connection = state.popOpenIdle() {
                state.leased[connection.id] = (connection, now)
                return .success(connection)
            }
            if state.unavailable {
                return .failure(DatabaseUnavailable(target: target, limit: .zero, cause: state.lastFailure))
            }
            return nil
        }
        if let immediate { return try immediate.get() }

        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let granted: Swift.Result<PostgresConnection, any Error>? = state.withLock { state in
                    // The pool may have changed between the first look and now.
                    if let connection = state.popOpenIdle() {
                        state.leased[connection.id] = (connection, now)
                        return .success(connection)
                    }
                    if state.closed || state.unavailable {
                        return .failure(DatabaseUnavailable(target: target, limit: .zero, cause: state.lastFailure))
                    }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append(Waiter(id: id, deadline: now + limits.acquireTimeout, continuation: continuation))
                    return nil
                }
                if let granted { continuation.resume(with: granted) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    func release(_ connection: PostgresConnection) {
        let (waiter, close) = state.withLock { state -> (Waiter?, Bool) in
            state.leased[connection.id] = nil
            if state.doomed.remove(connection.id) != nil || connection.isClosed { return (nil, false) }
            if state.closed { return (nil, true) }
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                state.leased[connection.id] = (connection, .now)
                return (waiter, false)
            }
            state.idle.append(connection)
            return (nil, false)
        }
        if close { connection.closeNow() }
        waiter?.continuation.resume(returning: connection)
    }

    /// Closes a leased connection that must not be reused (a transaction left in an unknown state);
    /// it is dropped when given back, and replaced.
    func discard(_ connection: PostgresConnection) {
        state.withLock { state in _ = state.doomed.insert(connection.id) }
        connection.closeNow()
    }

    // MARK: Outages

    /// The database stopped answering (the watchdog's verdict): waiting requests get 503 now, and
    /// connections held for longer than `heldFor` are closed, which ends the requests stuck on them.
    public func databaseUnreachable(cuttingLeasesHeldFor heldFor: Duration) {
        let now = ContinuousClock.now
        let (waiters, cut, idle) = state.withLock { state in
            let waiters = state.waiters
            state.waiters = []
            let cut = state.leased.values.filter { now - $0.since > heldFor }.map(\.connection)
            state.doomed.formUnion(cut.map(\.id))
            // Idle connections may be dead too (a failover, a partition that sent no reset): they
            // are reopened once the database answers, rather than handed to requests that would hang.
            defer { state.idle = [] }
            return (waiters, cut, state.idle)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: DatabaseUnavailable(target: target, limit: .zero)) }
        for connection in cut + idle { connection.closeNow() }
        if !cut.isEmpty {
            logger.warning("closed database connections held by requests while the database does not answer",
                           metadata: ["connections": "\(cut.count)", "database": "\(target)"])
        }
    }

    // MARK: Maintenance

    /// Opens the connections, replaces lost ones, and enforces the waits' bounds, until `close()`.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !isClosed && !Task.isCancelled {
                sweep(now: .now)
                for id in connectionsToOpen(now: .now) {
                    group.addTask { await self.open(id: id) }
                }
                try? await Task.sleep(for: Self.tick)
            }
        }
        close()  // when cancelled rather than closed
    }

    /// Stops handing out connections: waiting requests fail, idle connections close, leased ones
    /// close when they are given back.
    public func close() {
        let (waiters, idle) = state.withLock { state in
            state.closed = true
            defer { state.waiters = []; state.idle = [] }
            return (state.waiters, state.idle)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: DatabaseUnavailable(target: target, limit: .zero)) }
        for connection in idle { connection.closeNow() }
    }

    private var isClosed: Bool { state.withLock { $0.closed } }

    /// Fails waits that ran past `acquireTimeout` and cuts leases that ran past `leaseLimit`.
    private func sweep(now: ContinuousClock.Instant) {
        let (expired, overdue) = state.withLock { state in
            var expired: [Waiter] = []
            state.waiters.removeAll { waiter in
                guard waiter.deadline <= now else { return false }
                expired.append(waiter)
                return true
            }
            let overdue = limits.leaseLimit.map { limit in
                state.leased.values.filter { now - $0.since > limit && !state.doomed.contains($0.connection.id) }
                    .map(\.connection)
            } ?? []
            state.doomed.formUnion(overdue.map(\.id))
            return (expired, overdue)
        }
        for waiter in expired {
            waiter.continuation.resume(throwing: DatabaseUnavailable(target: target, limit: limits.acquireTimeout,
                                                                     cause: PoolExhausted(size: limits.size)))
        }
        for connection in overdue {
            logger.warning("closed a database connection held past its limit",
                           metadata: ["limit": "\(limits.leaseLimit ?? .zero)", "database": "\(target)"])
            connection.closeNow()
        }
    }

    /// Ids for the connections to open now: the missing ones, unless the last attempt failed and
    /// its backoff has not passed.
    private func connectionsToOpen(now: ContinuousClock.Instant) -> [Int] {
        state.withLock { state in
            guard !state.closed, now >= state.retryAt else { return [] }
            let missing = limits.size - state.open - state.connecting
            guard missing > 0 else { return [] }
            // While failing, one attempt at a time.
            let count = state.failures > 0 ? min(missing, 1 - state.connecting) : missing
            guard count > 0 else { return [] }
            state.connecting += count
            return (0..<count).map { _ in
                state.nextConnectionID += 1
                return state.nextConnectionID
            }
        }
    }

    private func open(id: Int) async {
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
            let (waiter, recovered, close) = state.withLock { state -> (Waiter?, Bool, Bool) in
                state.connecting -= 1
                let recovered = state.failures > 0
                state.failures = 0
                state.lastFailure = nil
                if state.closed { return (nil, recovered, true) }
                if !state.waiters.isEmpty {
                    state.leased[connection.id] = (connection, .now)
                    return (state.waiters.removeFirst(), recovered, false)
                }
                state.idle.append(connection)
                return (nil, recovered, false)
            }
            if close {
                connection.closeNow()
                return
            }
            connection.closeFuture.whenComplete { [weak self] _ in self?.lost(connection) }
            waiter?.continuation.resume(returning: connection)
            if recovered { logger.notice("database connections open again", metadata: ["database": "\(target)"]) }
        } catch {
            let (waiters, first) = state.withLock { state -> ([Waiter], Bool) in
                state.connecting -= 1
                state.failures += 1
                state.lastFailure = error
                // 100 ms, 200 ms, ... up to 2 s between attempts.
                state.retryAt = .now + .milliseconds(min(2_000, 100 << min(state.failures - 1, 5)))
                guard state.unavailable else { return ([], state.failures == 1) }
                defer { state.waiters = [] }
                return (state.waiters, state.failures == 1)
            }
            for waiter in waiters {
                waiter.continuation.resume(throwing: DatabaseUnavailable(target: target, limit: .zero, cause: error))
            }
            if first {
                logger.error("cannot open a database connection; retrying",
                             metadata: ["database": "\(target)", "error": "\(String(reflecting: error))"])
            }
        }
    }

    /// A connection closed (by the server, a restart, a cut): forget it; the loop replaces it.
    private func lost(_ connection: PostgresConnection) {
        state.withLock { state in
            state.idle.removeAll { $0.id == connection.id }
        }
    }
}

/// Every connection of the pool was busy for the whole acquire timeout.
public struct PoolExhausted: Error, CustomStringConvertible {
    public let size: Int
    public var description: String { "all \(size) pooled connections stayed busy" }
}

extension PostgresConnection {
    /// Starts closing the socket without waiting for it. The connection is kept alive until it has
    /// closed: postgres-nio asserts that no connection is freed while still open.
    func closeNow() {
        let closing: EventLoopFuture<Void> = close()
        closing.whenComplete { _ in withExtendedLifetime(self) {} }
    }
}
