import AsyncHTTPClient
import Foundation
import JWTKit
import Logging
import NIOCore
import Synchronization

/// Verifiers for the key sets tenants' identity providers sign with: an inline JWKS is parsed once
/// per configuration version; a JWKS URL is fetched on first use, again after five minutes, and again
/// when a token names a key the set lacks (a provider's rotation), at most every 30 seconds. When a
/// provider cannot be reached, the keys fetched before keep working.
public final class IdentityProviderKeys: Sendable {
    /// How long a fetched set is used before it is fetched again.
    public static let refreshInterval: TimeInterval = 300
    /// The least time between two fetches of one URL for an unknown key id.
    public static let unknownKeyRefetchInterval: TimeInterval = 30
    static let maximumDocumentBytes = 1 << 20
    static let maximumEntries = 10_000

    struct Entry: Sendable {
        var collection: JWTKeyCollection
        var keyIDs: Set<String>
        var fetchedAt: Date
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
    private let lastFetchAttempt = Mutex<[String: Date]>([:])
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// A verifier holding the key `keyID` names (or the only key, for a token without `kid`).
    func collection(for trust: SSOTrust, keyID: String?, now: Date) async throws(SSORejection) -> JWTKeyCollection {
        switch trust.keys {
        case .inline(let document):
            let cacheKey = "inline:\(trust.tenantID):\(trust.version)"
            let entry: Entry
            if let cached = entries.withLock({ $0[cacheKey] }) {
                entry = cached
            } else {
                // Validated when the owner saved it; a document that no longer parses has no usable key.
                guard let parsed = try? await Self.entry(Data(document.utf8), strict: false, now: now) else {
                    throw .unknownKey
                }
                store(parsed, as: cacheKey, replacingPrefix: "inline:\(trust.tenantID):")
                entry = parsed
            }
            return try Self.select(entry, keyID: keyID)
        case .url(let url):
            let cacheKey = "url:" + url
            var entry = entries.withLock { $0[cacheKey] }
            // With a set in hand, one request at a time refreshes it; the others go on with it.
            let stale = entry.map { $0.fetchedAt.addingTimeInterval(Self.refreshInterval) <= now } ?? true
            let lacksKey = keyID.map { entry?.keyIDs.contains($0) == false } ?? false
            if entry == nil || ((stale || lacksKey) && reserveFetch(url, now: now)) {
                if let fetched = await fetch(url, now: now) {
                    store(fetched, as: cacheKey, replacingPrefix: nil)
                    entry = fetched
                }
            }
            guard let entry else { throw .keySetUnavailable }
            return try Self.select(entry, keyID: keyID)
        }
    }

    private static func select(_ entry: Entry, keyID: String?) throws(SSORejection) -> JWTKeyCollection {
        if let keyID {
            guard entry.keyIDs.contains(keyID) else { throw .unknownKey }
        } else if entry.keyIDs.count != 1 {
            throw .unknownKey  // which key? a token without kid is only unambiguous with one key
        }
        return entry.collection
    }

    /// Whether this request may fetch `url` for an unknown key id (one such fetch per interval).
    private func reserveFetch(_ url: String, now: Date) -> Bool {
        lastFetchAttempt.withLock { attempts in
            if let last = attempts[url], last.addingTimeInterval(Self.unknownKeyRefetchInterval) > now { return false }
            if attempts.count >= Self.maximumEntries { attempts.removeAll() }
            attempts[url] = now
            return true
        }
    }

    private func fetch(_ url: String, now: Date) async -> Entry? {
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            let response = try await Self.fetcher.execute(request, timeout: .seconds(5))
            guard response.status == .ok else {
                logger.warning("identity provider JWKS not fetched", metadata: ["url": "\(url)", "status": "\(response.status.code)"])
                return nil
            }
            let body = try await response.body.collect(upTo: Self.maximumDocumentBytes)
            return try await Self.entry(Data(body.readableBytesView), strict: false, now: now)
        } catch {
            logger.warning("identity provider JWKS not fetched", metadata: ["url": "\(url)", "error": "\(error)"])
            return nil
        }
    }

    private static func entry(_ document: Data, strict: Bool, now: Date) async throws -> Entry {
        let set = try await ProviderKeySet.parse(document, strict: strict)
        return Entry(collection: try await set.collection(), keyIDs: set.keyIDs, fetchedAt: now)
    }

    /// Keeps an entry; an inline set replaces the tenant's earlier versions.
    private func store(_ entry: Entry, as key: String, replacingPrefix prefix: String?) {
        entries.withLock { entries in
            if let prefix { entries = entries.filter { !$0.key.hasPrefix(prefix) } }
            if entries.count >= Self.maximumEntries { entries.removeAll() }
            entries[key] = entry
        }
    }
}
