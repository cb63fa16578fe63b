import Domain
import Logging
import Persistence
import ServiceLifecycle
import UseCases

/// Runs the tenants' requested data exports in the background (see `DataExportRunner`): every
/// `interval` it works through what waits, one export after another, so an export acknowledged
/// with 202 is taken up by the next runner that is free, here or in another server process, and
/// one acknowledged before a restart is written after it. At shutdown it stops between exports.
struct DataExportService: Service {
    let runner: DataExportRunner
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                while !Task.isShuttingDownGracefully, try await runner.runNext() {}
            } catch {
                logger.error("data export runner failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
