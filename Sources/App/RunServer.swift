import API
import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the server until SIGTERM or SIGINT, then shuts down in bounded time: it drains first
/// (`ServerLimits.drain`: readiness 503, `Connection: close`, every request still answered), then
/// stops accepting, finishes the requests in flight, writes the last metered usage and closes the
/// database pools. Should that take longer than `ServerLimits.shutdownTimeout` from the signal
/// (a database that stopped answering, say), the process logs what it was waiting for and exits 1.
public func runServer(configuration: AppConfiguration, logger: Logger) async throws {
    raiseOpenFileLimit(logger: logger)
    let drain = ServerDrain()
    let app = try buildApplication(configuration: configuration, logger: logger, drain: drain)
    // No signals of its own: the task below turns the first signal into drain, then shutdown.
    let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
    let limits = configuration.limits
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                logger.notice("shutting down", metadata: [
                    "signal": "\(signal)", "drainSeconds": "\(limits.drain.components.seconds)",
                    "timeoutSeconds": "\(limits.shutdownTimeout.components.seconds)"])
                exitUnlessStoppedWithin(limits.shutdownTimeout, logger: logger)
                drain.begin()
                try? await Task.sleep(for: limits.drain)
                await group.triggerGracefulShutdown()
                return
            }
        }
        try await group.run()
        tasks.cancelAll()
    }
}

/// A last resort that no stuck task can hold up: a plain thread that ends the process.
private func exitUnlessStoppedWithin(_ limit: Duration, logger: Logger) {
    let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
    Thread.detachNewThread {
        Thread.sleep(forTimeInterval: seconds)
        logger.critical("shutdown did not finish in time; exiting (metered usage not yet written is lost, see the log above)",
                        metadata: ["timeoutSeconds": "\(limit.components.seconds)"])
        exit(1)
    }
}

/// Every client connection is a file descriptor: the soft limit (often 1,024) goes up to the hard
/// one, so `HTTP_MAX_CONNECTIONS`, not the descriptor limit, decides how many clients are served.
private func raiseOpenFileLimit(logger: Logger) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
        logger.warning("could not raise the open file limit", metadata: ["errno": "\(errno)"])
    }
}
