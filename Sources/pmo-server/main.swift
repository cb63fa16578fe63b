import App
import Foundation
import Logging
import NIOCore
import NIOPosix

// Thin entry point: read configuration, check the schema, run until SIGINT/SIGTERM (then drain).
LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
let logger = Logger(label: "pmo-server")
func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("pmo-server: \(error)\n".utf8))
    exit(1)
}
let configuration: AppConfiguration
do { configuration = try AppConfiguration.fromEnvironment() } catch { fail(error) }

// Run Swift concurrency on NIO's event loops: a request then stays on one thread from socket to
// handler to database and back, instead of hopping between NIO's threads and the global pool
// (measured: the hops cost more than the work on this path). Must happen before anything uses NIO.
if let threads = configuration.serverThreads { NIOSingletons.groupLoopCountSuggestion = threads }
if !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
    logger.notice("Swift concurrency runs on its own thread pool")
}
do {
    try await checkMigrations(configuration: configuration, logger: logger)
    try await runServer(configuration: configuration, logger: logger)
} catch {
    fail(error)
}
