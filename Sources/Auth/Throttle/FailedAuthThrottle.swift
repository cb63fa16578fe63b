public import Foundation
import Synchronization

/// Slows down credential guessing: failed authentications are counted per client
/// address and per key prefix (a key's public id, or an invitation's) from that address, in fixed
/// windows; a source that reaches its limit is refused (429) until its window ends, before any
/// database work. The prefix is counted per address so that knowing a key's public id (which is
/// not secret) does not let anyone else lock its holder out. Behind a proxy every client has the
/// proxy's address: set the per-address limit to 0 (off) there and limit at the proxy.
///
/// Per server process: behind a load balancer each instance counts on its own, which bounds an
/// attacker to `instances × limit` attempts per window, still far below what guessing a 256-bit
/// secret would need. Memory is bounded: at most `maxSources` sources are tracked.
public final class FailedAuthThrottle: Sendable {
    public struct Limits: Sendable {
        public var perAddress: Int
        public var perKeyPrefix: Int
        public var window: TimeInterval
        public var maxSources: Int

        public init(perAddress: Int = 30, perKeyPrefix: Int = 10, window: TimeInterval = 60, maxSources: Int = 100_000) {
            self.perAddress = perAddress
            self.perKeyPrefix = perKeyPrefix
            self.window = window
            self.maxSources = maxSources
        }
    }

    /// Who failed: the client's address and the public part of the credential, when known.
    public struct Source: Sendable, Equatable {
        public var address: String?
        public var keyPrefix: String?

        public init(address: String?, keyPrefix: String?) {
            self.address = address
            self.keyPrefix = keyPrefix
        }
    }

    private struct Window {
        var start: Date
        var failures: Int
    }

    public let limits: Limits
    private let windows = Mutex<[String: Window]>([:])

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// How many sources are being counted (at most `limits.maxSources`).
    public var trackedSources: Int { windows.withLock { $0.count } }

    /// Whole seconds until `source` may try again; nil when it is not throttled.
    public func retryAfter(_ source: Source, now: Date) -> Int? {
        windows.withLock { windows in
            entries(source).compactMap { key, limit -> Int? in
                guard let window = windows[key], now.timeIntervalSince(window.start) < limits.window,
                      window.failures >= limit
                else { return nil }
                return max(1, Int((window.start.addingTimeInterval(limits.window).timeIntervalSince(now)).rounded(.up)))
            }.max()
        }
    }

    /// Counts a failure; true when this one reached a limit (the start of a burst, worth an alert).
    @discardableResult
    public func recordFailure(_ source: Source, now: Date) -> Bool {
        windows.withLock { windows in
            if windows.count >= limits.maxSources { prune(&windows, now: now) }
            var reached = false
            for (key, limit) in entries(source) {
                var window = windows[key] ?? Window(start: now, failures: 0)
                if now.timeIntervalSince(window.start) >= limits.window { window = Window(start: now, failures: 0) }
                window.failures += 1
                if window.failures == limit { reached = true }
                windows[key] = window
            }
            return reached
        }
    }

    private func entries(_ source: Source) -> [(String, Int)] {
        var entries: [(String, Int)] = []
        if let address = source.address, limits.perAddress > 0 { entries.append(("address:" + address, limits.perAddress)) }
        if let prefix = source.keyPrefix { entries.append(("key:\(prefix)@\(source.address ?? "-")", limits.perKeyPrefix)) }
        return entries
    }

    /// Drops ended windows; if that is not enough (many sources at once), the oldest half.
    private func prune(_ windows: inout [String: Window], now: Date) {
        windows = windows.filter { now.timeIntervalSince($0.value.start) < limits.window }
        if windows.count >= limits.maxSources {
            let keep = windows.sorted { $0.value.start > $1.value.start }.prefix(limits.maxSources / 2)
            windows = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
