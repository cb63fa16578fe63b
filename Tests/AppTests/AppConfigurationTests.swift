import App
import Auth
import Testing
import TestSupport

/// Configuration read from the environment at start.
@Suite struct AppConfigurationTests {
    let database = ["DATABASE_URL": "postgres://pmo_owner@db.internal/pmo", "SIGNING_KEY_ENCRYPTION_KEY": TestKeys.signingKeyEncryptionKey]

    @Test func serverThreadsDefaultToOnePerCoreAndAcceptACount() throws {
        #expect(try AppConfiguration.fromEnvironment(database).serverThreads == nil)
        #expect(try AppConfiguration.fromEnvironment(database.merging(["SERVER_THREADS": "0"]) { $1 }).serverThreads == nil)
        #expect(try AppConfiguration.fromEnvironment(database.merging(["SERVER_THREADS": "1"]) { $1 }).serverThreads == 1)
    }

    @Test(arguments: ["-1", "two", "257"])
    func invalidServerThreadsStopTheServerWithTheVariableNamed(_ value: String) {
        #expect {
            try AppConfiguration.fromEnvironment(database.merging(["SERVER_THREADS": value]) { $1 })
        } throws: { error in
            "\(error)".contains("SERVER_THREADS=\(value)")
        }
    }
}

extension AppConfigurationTests {
    @Test func failedAuthenticationLimitsAreConfigurable() throws {
        let defaults = try AppConfiguration.fromEnvironment(database).authThrottle
        #expect(defaults.perAddress == 30 && defaults.perKeyPrefix == 10)
        let set = try AppConfiguration.fromEnvironment(database.merging(["AUTH_FAILURES_PER_ADDRESS": "100",
                                                                         "AUTH_FAILURES_PER_KEY": "5"]) { $1 })
        #expect(set.authThrottle.perAddress == 100 && set.authThrottle.perKeyPrefix == 5)
        #expect(throws: (any Error).self) {
            try AppConfiguration.fromEnvironment(database.merging(["AUTH_FAILURES_PER_KEY": "0"]) { $1 })
        }
        let off = try AppConfiguration.fromEnvironment(database.merging(["AUTH_FAILURES_PER_ADDRESS": "0"]) { $1 })
        #expect(off.authThrottle.perAddress == 0, "0 turns the per-address limit off (behind a proxy)")
    }
}
