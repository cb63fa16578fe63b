import ArgumentParser
import Auth
import Foundation
import Persistence

/// The keys that sign access tokens (platform-wide).
struct SigningKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing-key", abstract: "Rotate and list the access-token signing keys.",
        subcommands: [Rotate.self, List.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new signing key; the old ones verify until their last tokens have expired.")

        func run() async throws {
            let now = Date()
            // Servers pick the new key up within 30 s; until then they may still sign with the old one,
            // so it verifies for a token lifetime after that, plus a margin for clock skew.
            let retireAfter = now.addingTimeInterval(30 + AccessToken.lifetime + 60)
            let seal: SigningKeySeal
            do { seal = try SigningKeySeal(environment: ProcessInfo.processInfo.environment) } catch {
                throw AdminFailure(message: "\(error)")
            }
            let kid = try await AdminDatabase.run { database in
                try await SigningKeyStore.rotate(database: database, now: now, retireOthersAfter: retireAfter, seal: seal)
            }
            print("new signing key \(kid); previous keys verify until \(TableOutput.timestamp(retireAfter))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the signing keys still verifying.")

        func run() async throws {
            let keys = try await AdminDatabase.run { database in
                try await SigningKeyStore.live(database: database, now: Date(), seal: nil)
            }
            print(TableOutput.render(
                headers: ["KID", "CREATED", "RETIRES"],
                rows: keys.map { [$0.kid, TableOutput.timestamp($0.createdAt), $0.retireAfter.map(TableOutput.timestamp) ?? "current"] }))
        }
    }
}
