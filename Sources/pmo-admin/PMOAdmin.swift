import ArgumentParser

/// The operators' CLI. Every failure prints one line naming what went wrong and exits non-zero.
@main
struct PMOAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pmo-admin",
        abstract: "Provision and operate PMO tenants.",
        discussion: "Connects as the owner role: DATABASE_URL, or the embedded cluster under .pmo/ started by ./infra/run.",
        subcommands: [Migrate.self, TenantCommand.self, KeyCommand.self, MemberCommand.self, SigningKeyCommand.self,
                      OperatorCommand.self, UsageCommand.self, PlanCommand.self, SubscriptionCommand.self, InvoiceCommand.self, CitusCommand.self])
}
