import ArgumentParser
import Persistence

/// `pmo-admin citus distribute`: places the schema's tables on a Citus coordinator. `migrate` does
/// the same for the tables it creates; this command is for a database migrated before the Citus
/// extension was installed in it, and tells what is where.
struct CitusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citus", abstract: "Scale-out on Citus.", subcommands: [Distribute.self])

    struct Distribute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Distribute tenant tables by tenant_id and make the platform's tables reference tables \
            (idempotent: tables already placed are left alone).
            """)

        func run() async throws {
            let placed = try await AdminDatabase.run { database in
                try await database.transaction { connection in
                    try await CitusDistributor.distribute(connection, logger: database.logger)
                }
            }
            guard let placed else {
                throw AdminFailure(message: "the database has no citus extension: connect to a Citus coordinator "
                                   + "whose database ran `create extension citus`")
            }
            for table in placed {
                print("\(table.placedNow ? "placed" : "already") \(table.placement.rawValue) \(table.table)")
            }
            let now = placed.filter(\.placedNow).count
            print("\(now) tables placed now, \(placed.count - now) placed already")
        }
    }
}
