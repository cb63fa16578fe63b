import AsyncHTTPClient
import Crypto
public import Foundation
import JWTKit
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Verifiers for the key sets tenants' identity providers sign with: an inline JWKS is parsed once
/// per document; a JWKS URL is fetched on first use, again after five minutes, and again when a
/// token names a key the set lacks (a provider's rotation). One fetch per URL runs at a time (other
/// requests wait for it), and a URL is fetched at most every 30 seconds except after its refresh
/// interval, so tokens cannot make the server hammer a provider. When a provider cannot be reached,
/// the keys fetched before keep working.
public final class IdentityProviderKeys: Sendable {
    /// How long a fetched set is used before it is fetched again.
    public static let refreshInterval: TimeInterval = 300
    /// The least time between two fetch attempts of one URL (after a failure, or for an unknown key id).
    public static let retryInterval: TimeInterval = 30
    static let maximumDocumentBytes = 1 << 20
    static let maximumEntries = 10_000

    struct Entry: Sendable {
        var collection: JWTKeyCollection
        /// The algorithm each key id verifies (see `ProviderKeySet.keys`).
        var algorithms: [String: String]
        var fetchedAt: Date
    }

    struct Fetch: Sendable {
        var inFlight: Task<Entry?, Never>?
        var lastAttempt: Date
    }

    /// Fetches JWKS documents: no redirects (a provider's JWKS URL is where its keys are, and a
    /// redirect could point the server somewhere else), five seconds at most. One client for the
    /// process, like `HTTPClient.shared`, so it is never shut down while in use.
    static let fetcher: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(5)))
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    private let entries = Mutex<[String: Entry]>([:])
    private let fetches = Mutex<[String: Fetch]>([:])
    let policy: KeySetURLPolicy
    let logger: Logger

    public init(policy: KeySetURLPolicy, logger: Logger) {
        self.policy = policy
        self.logger = logger
    }

    /// A verifier holding the key `keyID` names (or the only key, for a token without `kid`), for a
    /// token signed with `algorithm`.
    func collection(for trust: SSOTrust, keyID: String?, algorithm: String,
                    now: Date) async throws(SSORejection) -> JWTKeyCollection {
        switch trust.keys {
        case .inline(let document):
            // By content: a configuration deleted and made again starts at version 1 again.
            let cacheKey = "inline:" + SHA256.hash(data: Data(document.utf8)).map { String(format: "%02x", $0) }.joined()
            let entry: Entry
            if let cached = entries.withLock({ $0[cacheKey] }) {
                entry = cached
            } else {
                // Validated when the owner saved it; a document that no longer parses has no usable key.
                guard let parsed = try? await Self.entry(Data(document.utf8), now: now) else { throw .unknownKey }
                store(parsed, as: cacheKey, now: now)
                entry = parsed
            }
            return try Self.select(entry, keyID: keyID, algorithm: algorithm)
        case .url(let url):
            let cacheKey = "url:" + url
            var entry = entries.withLock { $0[cacheKey] }
            let stale = entry.map { $0.fetchedAt.addingTimeInterval(Self.refreshInterval) <= now } ?? true
            let lacksKey = keyID.map { entry?.algorithms[$0] == nil } ?? false
            if stale || lacksKey, let fetched = await refetch(url, lookingFor: keyID, now: now) {
                store(fetched, as: cacheKey, now: now)
                entry = fetched
            }
            guard let entry else { throw .keySetUnavailable }
            return try Self.select(entry, keyID: keyID, algorithm: algorithm)
        }
    }

    private static func select(_ entry: Entry, keyID: String?, algorithm: String) throws(SSORejection) -> JWTKeyCollection {
        let pinned: String?
        if let keyID {
            guard let known = entry.algorithms[keyID] else { throw .unknownKey }
            pinned = known
        } else {
            // Which key? A token without kid is only unambiguous with one key.
            guard entry.algorithms.count == 1 else { throw .unknownKey }
            pinned = entry.algorithms.values.first
        }
        guard pinned == algorithm else { throw .unsupportedAlgorithm }
        return entry.collection
    }

    /// The fetch in flight for `url`, or a new one if the last attempt is old enough; nil when no
    /// fetch may run now or it failed. A fetch that brought the key sought (or any, on first use)
    /// does not hold back the next one: the spacing is for a provider that fails, or lacks a key.
    private func refetch(_ url: String, lookingFor keyID: String?, now: Date) async -> Entry? {
        let task: Task<Entry?, Never>? = fetches.withLock { fetches in
            if let running = fetches[url]?.inFlight { return running }
            if let last = fetches[url]?.lastAttempt, last.addingTimeInterval(Self.retryInterval) > now { return nil }
            if fetches.count >= Self.maximumEntries { fetches = fetches.filter { $0.value.inFlight != nil } }
            let started = Task { await self.fetch(url, now: now) }
            fetches[url] = Fetch(inFlight: started, lastAttempt: now)
            return started
        }
        guard let task else { return nil }
        let entry = await task.value
        let found = entry != nil && keyID.map { entry?.algorithms[$0] != nil } ?? true
        fetches.withLock { fetches in
            if found { fetches[url] = nil } else { fetches[url]?.inFlight = nil }
        }
        return entry
    }

    private func fetch(_ url: String, now: Date) async -> Entry? {
        guard policy.resolvesToPublicAddresses(url) else {
            logger.warning("identity provider JWKS not fetched: its host is not a public address", metadata: ["url": "\(url)"])
            return nil
        }
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            let response = try await Self.fetcher.execute(request, timeout: .seconds(5))
            guard response.status == .ok else {
                logger.warning("identity provider JWKS not fetched", metadata: ["url": "\(url)", "status": "\(response.status.code)"])
                return nil
            }
            let body = try await response.body.collect(upTo: Self.maximumDocumentBytes)
            return try await Self.entry(Data(body.readableBytesView), now: now)
        } catch {
            logger.warning("identity provider JWKS not fetched", metadata: ["url": "\(url)", "error": "\(error)"])
            return nil
        }
    }

    /// A fetched or stored document: keys it cannot use are skipped (see `ProviderKeySet.parse`).
    private static func entry(_ document: Data, now: Date) async throws -> Entry {
        let set = try await ProviderKeySet.parse(document, strict: false)
        return Entry(collection: try await set.collection(), algorithms: set.algorithms, fetchedAt: now)
    }

    /// Keeps an entry; when the cache is full, entries past their refresh interval go first.
    private func store(_ entry: Entry, as key: String, now: Date) {
        entries.withLock { entries in
            if entries.count >= Self.maximumEntries {
                entries = entries.filter { $0.value.fetchedAt.addingTimeInterval(Self.refreshInterval) > now }
                if entries.count >= Self.maximumEntries { entries.removeAll() }
            }
            entries[key] = entry
        }
    }
}
