import App
import Foundation
import Logging

// Thin entry point: read configuration, check the schema, run until SIGINT/SIGTERM.
LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
let logger = Logger(label: "pmo-server")
do {
    let configuration = try AppConfiguration.fromEnvironment()
    try await checkMigrations(configuration: configuration, logger: logger)
    let app = try buildApplication(configuration: configuration, logger: logger)
    try await app.runService()
} catch {
    FileHandle.standardError.write(Data("pmo-server: \(error)\n".utf8))
    exit(1)
}
