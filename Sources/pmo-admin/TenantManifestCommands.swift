import ArgumentParser
import Foundation
import Persistence
import Provisioning

/// `tenant apply`, `tenant diff` and `tenant export`: a tenant as code (tenants/README.md).
extension TenantCommand {
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a tenant manifest (idempotent); prints what changes.")
        @Argument(help: "Path of the manifest, e.g. tenants/demo.yaml.") var manifest: String
        @Flag(help: "Show what would change without changing anything (as tenant diff).") var dryRun = false

        func run() async throws {
            let parsed = try TenantCommand.readManifest(manifest)
            let outcome = try await AdminDatabase.run { database in
                try await ManifestApplier(database: database).apply(parsed, dryRun: dryRun)
            }
            if outcome.plan.isEmpty {
                print("tenant \(parsed.slug) matches \(manifest): no changes")
                return
            }
            for change in outcome.plan.changes { print(change) }
            if dryRun {
                print("dry run: \(outcome.plan.changes.count) change(s) not applied")
                return
            }
            print("applied \(outcome.plan.changes.count) change(s) to tenant \(parsed.slug)")
            for key in outcome.createdKeys {
                print("api key \(key.name): \(key.token)  (shown once; store it now)")
            }
            for invitation in outcome.invitations {
                print("invitation for \(invitation.email): \(invitation.token)  (shown once, valid 7 days; accept with POST /v1/invitations/accept)")
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what applying a manifest would change, one line per change (+ new, ~ changed); changes nothing.")
        @Argument(help: "Path of the manifest.") var manifest: String

        func run() async throws {
            let parsed = try TenantCommand.readManifest(manifest)
            let plan = try await AdminDatabase.run { database in
                try await ManifestApplier(database: database).apply(parsed, dryRun: true).plan
            }
            if plan.isEmpty {
                print("tenant \(parsed.slug) matches \(manifest): no changes")
            } else {
                for change in plan.changes { print(change) }
                print("\(plan.changes.count) change(s) would be applied")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a tenant as a manifest that applies back to it with no change (secrets are never written).")
        @Argument var slug: String
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() async throws {
            let manifest = try await AdminDatabase.run { database in
                try await ManifestExporter(database: database).export(slug: slug)
            }
            let text = "# Exported by pmo-admin tenant export \(slug) on \(TableOutput.timestamp(Date())).\n" + (try manifest.yaml())
            guard let out else {
                print(text, terminator: "")
                return
            }
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw AdminFailure(message: "cannot write \(out): \(error.localizedDescription)")
            }
            print("wrote tenant \(slug) to \(out)")
        }
    }

    static func readManifest(_ path: String) throws -> TenantManifest {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AdminFailure(message: "cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try TenantManifest.parse(text)
        } catch {
            throw AdminFailure(message: "invalid manifest \(path): \(error)")
        }
    }
}
