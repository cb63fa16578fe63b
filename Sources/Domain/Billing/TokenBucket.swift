/// A token bucket: it holds at most `capacity` tokens, refills at `refillPerSecond`, and each request
/// takes one. Time is passed in (seconds on a monotonic clock), so the arithmetic is tested with
/// worked figures rather than by sleeping.
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Double
    public let refillPerSecond: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Double

    /// A full bucket at `now`.
    public init(capacity: Double, refillPerSecond: Double, now: Double) {
        precondition(capacity >= 1 && refillPerSecond > 0)
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        tokens = capacity
        updatedAt = now
    }

    /// What one request learns from the bucket.
    public struct Decision: Equatable, Sendable {
        public var allowed: Bool
        /// Whole requests still available right after this one.
        public var remaining: Int
        /// Whole seconds until the bucket is full again (the `t` of the `RateLimit` field).
        public var secondsUntilFull: Int
        /// Whole seconds until the next request would be allowed (`Retry-After`); 0 when allowed.
        public var retryAfter: Int

        public init(allowed: Bool, remaining: Int, secondsUntilFull: Int, retryAfter: Int) {
            self.allowed = allowed
            self.remaining = remaining
            self.secondsUntilFull = secondsUntilFull
            self.retryAfter = retryAfter
        }
    }

    /// Takes one token if there is one; a refused request takes nothing.
    public mutating func take(now: Double) -> Decision {
        refill(now: now)
        let allowed = tokens >= 1
        if allowed { tokens -= 1 }
        let retryAfter = allowed ? 0 : Int(((1 - tokens) / refillPerSecond).rounded(.up))
        return Decision(allowed: allowed, remaining: Int(tokens.rounded(.down)),
                        secondsUntilFull: Int(((capacity - tokens) / refillPerSecond).rounded(.up)),
                        retryAfter: max(retryAfter, allowed ? 0 : 1))
    }

    /// Takes one token whatever the level (a request that had to run before the bucket was known):
    /// the level may go below zero, and later requests wait until it has refilled.
    public mutating func charge(now: Double) -> Decision {
        refill(now: now)
        tokens -= 1
        return Decision(allowed: true, remaining: max(0, Int(tokens.rounded(.down))),
                        secondsUntilFull: Int(((capacity - tokens) / refillPerSecond).rounded(.up)), retryAfter: 0)
    }

    private mutating func refill(now: Double) {
        // A clock that stepped back refills nothing rather than draining the bucket.
        let elapsed = max(0, now - updatedAt)
        tokens = min(capacity, tokens + elapsed * refillPerSecond)
        updatedAt = max(updatedAt, now)
    }
}

extension RateLimitPolicy {
    /// This process's part of the policy when `processes` servers share a tenant's traffic (each
    /// enforces an equal share, so together they never allow more than the plan): rate and burst
    /// divided. A process's bucket holds at least one request, so a burst smaller than the number of
    /// processes is exceeded (by at most one request per process); the rate never is.
    public func share(among processes: Int) -> (refillPerSecond: Double, capacity: Double) {
        let processes = Double(max(1, processes))
        return (max(Double(requestsPerSecond) / processes, 1 / processes), max(Double(burst) / processes, 1))
    }

    /// The `RateLimit-Policy` field (IETF draft-ietf-httpapi-ratelimit-headers): the burst as quota,
    /// over the seconds an empty bucket takes to fill.
    public var policyField: String {
        "\"tenant\";q=\(burst);w=\(Int((Double(burst) / Double(requestsPerSecond)).rounded(.up)))"
    }
}

extension TokenBucket.Decision {
    /// The `RateLimit` field: requests remaining, seconds until the quota is whole again.
    public var field: String { "\"tenant\";r=\(remaining);t=\(secondsUntilFull)" }
}
