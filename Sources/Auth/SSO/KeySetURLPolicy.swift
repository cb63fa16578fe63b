import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which JWKS URLs the server fetches. A tenant owner chooses the URL, so without limits the server
/// could be made to send requests into its own network (SSRF): only https, to hosts on the public
/// internet. `allowInsecure` (development, tests with a local identity provider) lifts both limits.
public struct KeySetURLPolicy: Sendable {
    public let allowInsecure: Bool

    public init(allowInsecure: Bool) {
        self.allowInsecure = allowInsecure
    }

    /// Checks the URL as written (when an owner saves it): scheme, host, no credentials, and no
    /// loopback, private or link-local address literal or `localhost`.
    public func accepts(_ text: String) -> Bool {
        guard text.utf8.count <= 2048, let url = URL(string: text), let host = url.host, !host.isEmpty,
              url.user == nil, url.password == nil
        else { return false }
        switch url.scheme?.lowercased() {
        case "https": break
        case "http" where allowInsecure: break
        default: return false
        }
        if allowInsecure { return true }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare.hasSuffix(".localhost") { return false }
        return Self.parse(bare).map(Self.isPublic) ?? true
    }

    /// Checks where the host resolves to now (before each fetch): every address must be public. A
    /// name that does not resolve is refused too (the fetch could not succeed anyway).
    public func resolvesToPublicAddresses(_ text: String) -> Bool {
        if allowInsecure { return true }
        guard let host = URL(string: text)?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else {
            return false
        }
        let addresses = Self.resolve(host)
        return !addresses.isEmpty && addresses.allSatisfy(Self.isPublic)
    }

    /// An address as bytes: 4 for IPv4, 16 for IPv6.
    static func parse(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func resolve(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [[UInt8]] = []
        var cursor = list
        while let info = cursor {
            if let address = info.pointee.ai_addr {
                switch Int32(info.pointee.ai_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin_addr
                        addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin6_addr
                        addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                default: break
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// Not loopback, private (RFC 1918, unique local), link-local (which includes cloud metadata at
    /// 169.254.169.254), carrier-grade NAT, unspecified or multicast.
    static func isPublic(_ address: [UInt8]) -> Bool {
        if address.count == 16 {
            // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 address.
            if address[0..<10].allSatisfy({ $0 == 0 }) && address[10] == 0xFF && address[11] == 0xFF {
                return isPublic(Array(address[12...]))
            }
            if address.allSatisfy({ $0 == 0 }) { return false }  // ::
            if address[0..<15].allSatisfy({ $0 == 0 }) && address[15] == 1 { return false }  // ::1
            if address[0] & 0xFE == 0xFC { return false }  // fc00::/7
            if address[0] == 0xFE && address[1] & 0xC0 == 0x80 { return false }  // fe80::/10
            if address[0] == 0xFF { return false }  // multicast
            return true
        }
        guard address.count == 4 else { return false }
        switch (address[0], address[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return false
        case (172, 16...31), (100, 64...127): return false
        case (224...255, _): return false
        default: return true
        }
    }
}
