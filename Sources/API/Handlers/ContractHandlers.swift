import APIDefinition
import Domain
import Foundation
import Persistence

/// Contracts: the client party, service, term, monthly fee and service-credit cap.
extension APIHandler {
    func listContracts(_ input: Operations.ListContracts.Input) async throws -> Operations.ListContracts.Output {
        let limit = try Pagination.limit(input.query.limit)
        let cursor = try Pagination.decode(cursor: input.query.cursor)
        let page = try await session.run { context in try await contracts(context).list(after: cursor, limit: limit + 1) }
        let (items, next) = Pagination.split(page, limit: limit, id: \.id)
        return .ok(.init(body: .json(.init(items: items.map(GovernanceMapping.resource), nextCursor: next))))
    }

    func createContract(_ input: Operations.CreateContract.Input) async throws -> Operations.CreateContract.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let start = checks.date(body.startDate, at: "/startDate"), end = checks.date(body.endDate, at: "/endDate")
        let cap = Self.checkContract(code: body.code, name: body.name, clientParty: body.clientParty, service: body.service,
                                     start: start, end: end, fee: body.monthlyFee, currency: body.currency,
                                     capPercent: body.serviceCreditCapPercent, &checks)
        try checks.throwIfAny()
        let created = try await idempotentCreate(Operations.CreateContract.id) { context in
            let now = context.environment.now()
            let record = try await contracts(context).insert(ContractRecord(
                id: context.environment.newID(), code: body.code, name: body.name, clientParty: body.clientParty,
                service: body.service, start: start!, end: end, monthlyFee: body.monthlyFee, currency: body.currency,
                creditCapBasisPoints: cap!, createdAt: now, updatedAt: now))
            try await audit(context, "createContract", "contract", record.id,
                            changed: ["code", "name", "clientParty", "service", "startDate", "endDate", "monthlyFee",
                                      "currency", "serviceCreditCapPercent"])
            return Created(resource: GovernanceMapping.resource(record), location: "/v1/contracts/\(GovernanceMapping.id(record.id))")
        }
        return .created(.init(headers: .init(location: created.location, eTag: Preconditions.etag(version: created.resource.version)),
                              body: .json(created.resource)))
    }

    func getContract(_ input: Operations.GetContract.Input) async throws -> Operations.GetContract.Output {
        let id = try Self.resourceID(input.path.contractId, "Contract")
        let record = try await session.run { context in try await contracts(context).find(id) }
        guard let record else { throw APIProblem.notFound("Contract \(input.path.contractId)") }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(GovernanceMapping.resource(record))))
    }

    func updateContract(_ input: Operations.UpdateContract.Input) async throws -> Operations.UpdateContract.Output {
        let patch: Components.Schemas.ContractPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let id = try Self.resourceID(input.path.contractId, "Contract")
        let record = try await lockedWrite("Contract \(input.path.contractId)", find: { try await contracts($0).find(id, lock: true) },
                                           version: \.version) { context, current in
            let keys = JSONPresence(rawBody: context.rawBody).keys
            var checks = FieldChecks()
            let start = patch.startDate == nil ? current.start : checks.date(patch.startDate, at: "/startDate")
            let end = keys.contains("endDate") ? checks.date(patch.endDate, at: "/endDate") : current.end
            let cap = Self.checkContract(
                code: patch.code ?? current.code, name: patch.name ?? current.name,
                clientParty: patch.clientParty ?? current.clientParty, service: patch.service ?? current.service,
                start: start, end: end, fee: patch.monthlyFee ?? current.monthlyFee, currency: patch.currency ?? current.currency,
                capPercent: patch.serviceCreditCapPercent ?? BasisPoints.percent(current.creditCapBasisPoints), &checks)
            try checks.throwIfAny()
            var next = current
            next.code = patch.code ?? current.code
            next.name = patch.name ?? current.name
            next.clientParty = patch.clientParty ?? current.clientParty
            next.service = patch.service ?? current.service
            next.start = start!
            next.end = end
            next.monthlyFee = patch.monthlyFee ?? current.monthlyFee
            next.currency = patch.currency ?? current.currency
            next.creditCapBasisPoints = cap!
            let changed = Self.changedFields([
                ("code", next.code != current.code), ("name", next.name != current.name),
                ("clientParty", next.clientParty != current.clientParty), ("service", next.service != current.service),
                ("startDate", next.start != current.start), ("endDate", next.end != current.end),
                ("monthlyFee", next.monthlyFee != current.monthlyFee), ("currency", next.currency != current.currency),
                ("serviceCreditCapPercent", next.creditCapBasisPoints != current.creditCapBasisPoints)])
            guard !changed.isEmpty else { return current }
            // Measured periods stay inside the term: shrinking it would orphan recorded compliance.
            if next.start > current.start || (next.end ?? .distantFuture) < (current.end ?? .distantFuture),
               let (first, last) = try await contracts(context).measuredSpan(of: id) {
                var span = FieldChecks()
                span.require(next.start <= first, "/startDate", "would leave measured periods (from \(first)) outside the term")
                span.require((next.end ?? .distantFuture) >= last, "/endDate",
                             "would leave measured periods (to \(last)) outside the term")
                try span.throwIfAny()
            }
            let updated = try await contracts(context).update(next, at: context.environment.now())
            try await audit(context, "updateContract", "contract", id, changed: changed)
            return updated
        }
        return .ok(.init(headers: .init(eTag: Preconditions.etag(version: record.version)),
                         body: .json(GovernanceMapping.resource(record))))
    }

    func deleteContract(_ input: Operations.DeleteContract.Input) async throws -> Operations.DeleteContract.Output {
        let id = try Self.resourceID(input.path.contractId, "Contract")
        try await lockedWrite("Contract \(input.path.contractId)", find: { try await contracts($0).find(id, lock: true) },
                              version: \.version) { context, _ in
            try await contracts(context).delete(id)
            try await audit(context, "deleteContract", "contract", id, changed: [])
        }
        return .noContent(.init())
    }

    /// Checks a contract's fields; returns the cap in basis points when it is valid.
    private static func checkContract(code: String, name: String, clientParty: String, service: String,
                                      start: CalendarDate?, end: CalendarDate?, fee: Int64, currency: String,
                                      capPercent: Double, _ checks: inout FieldChecks) -> Int? {
        checks.require(ProjectCode.isValid(code), "/code", "must be 2–32 characters of A–Z, 0–9, '_' and '-', starting with a letter or digit")
        checks.requireName(name)
        checks.requireName(clientParty, at: "/clientParty")
        checks.requireName(service, at: "/service")
        // Unreadable dates were noted when parsed.
        if let start, let end { checks.require(end >= start, "/endDate", "must be on or after startDate") }
        checks.require((0...10_000_000_000_000).contains(fee), "/monthlyFee", "must be 0–10,000,000,000,000 minor units")
        checks.require(ProjectFields.isCurrencyCode(currency), "/currency", "must be an ISO 4217 code such as EUR")
        let cap = BasisPoints.from(percent: capPercent)
        checks.require(cap != nil, "/serviceCreditCapPercent", "must be 0–100 with at most two decimals")
        return cap
    }

    func contracts(_ context: TenantSession.Context) -> ContractStore {
        ContractStore(context.scope)
    }
}

extension CalendarDate {
    /// Later than every real date: an open-ended term's end, for comparisons.
    static let distantFuture = CalendarDate(year: 9999, month: 12, day: 31)!
}
