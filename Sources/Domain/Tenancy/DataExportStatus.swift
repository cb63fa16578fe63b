/// Where a tenant's data export (`/v1/exports`) stands: acknowledged and waiting for a runner,
/// being written, ready to download, or given up after repeated failures.
public enum DataExportStatus: String, CaseIterable, Sendable {
    case queued, running, succeeded, failed

    /// Whether the export's archive can be downloaded.
    public var isDownloadable: Bool { self == .succeeded }
    /// Whether a runner still has work to do on it.
    public var isPending: Bool { self == .queued || self == .running }

    /// How many times a runner takes an export up before it is failed for good.
    public static let maximumAttempts = 3
}
