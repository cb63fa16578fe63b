import Auth
import Domain
import Logging
import Persistence
import ServiceLifecycle

/// Reloads the access-token signing keys every 30 s, so a rotation (`pmo-admin signing-key rotate`)
/// reaches every server: they sign with the new key and stop accepting retired ones.
struct SigningKeyRefresher: Service {
    let ring: SigningKeyRing
    let database: Database
    let environment: Domain.Environment
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await ring.reload(database: database, now: environment.now())
            } catch {
                logger.warning("signing keys not reloaded", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(30)) }
        }
    }
}
