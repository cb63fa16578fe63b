/// A tenant's lifecycle (docs/DOMAIN.md §1). Only `active` (and `onboarding`, while the client sets up)
/// tenants may use the API; `suspended` keeps the data but refuses every call.
public enum TenantStatus: String, CaseIterable, Sendable {
    case provisioning, onboarding, active, suspended, offboarding, deleted

    /// Whether credentials of a tenant in this status may call the tenant API.
    public var mayUseAPI: Bool { self == .active || self == .onboarding }

    /// Whether credentials of a tenant in this status may call an operation requiring `scope`: any,
    /// while the API is open to the tenant; while it is offboarded, only its data export, so its
    /// owners can take their data with them before it is erased.
    public func allows(_ scope: Scope) -> Bool {
        mayUseAPI || (self == .offboarding && scope == .dataExport)
    }
}

/// A tenant's URL-safe unique key.
public enum TenantSlug {
    /// `^[a-z0-9][a-z0-9-]{1,62}$`
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...63).contains(bytes.count), let first = bytes.first, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
