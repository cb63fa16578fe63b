import ArgumentParser
import Domain
import Foundation
import Persistence

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "A tenant's metered API calls in a month, per operation and status class.")
    @Option(help: "Tenant slug.") var tenant: String
    @Option(help: "Month, YYYY-MM.") var month: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard let first = CalendarDate("\(month)-01") else { throw AdminFailure(message: "invalid --month \(month): expected YYYY-MM") }
        let last = CalendarDate(year: first.month == 12 ? first.year + 1 : first.year,
                                month: first.month == 12 ? 1 : first.month + 1, day: 1)!.adding(days: -1)
        let lines = try await AdminDatabase.run { database in
            let tenantRecord = try await TenantStore(database: database).find(slug: tenant)
            return try await database.tenantTransaction(tenantRecord.id) { scope in
                try await UsageStore(scope).report(from: first, to: last)
            }
        }
        var totals: [String: [StatusClass: Int64]] = [:]
        for line in lines { totals[line.operationID, default: [:]][line.statusClass, default: 0] += line.calls }
        let operations = totals.keys.sorted()
        if json {
            print(TableOutput.json(["tenant": tenant, "month": month, "operations": operations.map { op in
                ["operationId": op, "calls": Dictionary(uniqueKeysWithValues: totals[op]!.map { ($0.key.label, $0.value) })] as [String: Any]
            }]))
            return
        }
        let classes = StatusClass.allCases
        var rows = operations.map { op in [op] + classes.map { String(totals[op]![$0] ?? 0) } + [String(totals[op]!.values.reduce(0, +))] }
        let total = lines.reduce(Int64(0)) { $0 + $1.calls }
        rows.append(["total"] + classes.map { c in String(lines.filter { $0.statusClass == c }.reduce(Int64(0)) { $0 + $1.calls }) } + [String(total)])
        print("usage of \(tenant) in \(month)")
        print(TableOutput.render(headers: ["OPERATION"] + classes.map(\.label) + ["TOTAL"], rows: rows))
    }
}
