import APIDefinition
import Domain
import Foundation
import Persistence

/// Contracts: the client party, service, term, monthly fee and service-credit cap.
extension APIHandler {
    static let contract = ResourceKind<ContractStore, Components.Schemas.Contract>(
        noun: "Contract", auditType: "contract",
        fields: [.init("code", \.code), .init("name", \.name), .init("clientParty", \.clientParty), .init("service", \.service),
                 .init("startDate", \.start), .init("endDate", \.end), .init("monthlyFee", \.monthlyFee),
                 .init("currency", \.currency), .init("serviceCreditCapPercent", \.creditCapBasisPoints)],
        store: { ContractStore($0.scope) }, render: GovernanceMapping.resource)

    func listContracts(_ input: Operations.ListContracts.Input) async throws -> Operations.ListContracts.Output {
        let page = try await list(Self.contract, limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: page.items, nextCursor: page.nextCursor))))
    }

    func createContract(_ input: Operations.CreateContract.Input) async throws -> Operations.CreateContract.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("Expected a JSON body.") }
        var checks = FieldChecks()
        let start = checks.date(body.startDate, at: "/startDate"), end = checks.date(body.endDate, at: "/endDate")
        let cap = ContractRules.check(code: body.code, name: body.name, clientParty: body.clientParty, service: body.service,
                                     start: start, end: end, fee: body.monthlyFee, currency: body.currency,
                                     capPercent: body.serviceCreditCapPercent, &checks)
        try checks.throwIfAny()
        guard let start, let cap else { throw APIProblem.internalError }  // nil only with an error noted
        let (created, etag) = try await create(Self.contract, operation: Operations.CreateContract.id,
                                               location: { "/v1/contracts/\($0.id.wire)" }) { context, store in
            let now = context.environment.now()
            return try await store.insert(ContractRecord(
                id: context.environment.newID(), code: body.code, name: body.name, clientParty: body.clientParty,
                service: body.service, start: start, end: end, monthlyFee: body.monthlyFee, currency: body.currency,
                creditCapBasisPoints: cap, createdAt: now, updatedAt: now))
        }
        return .created(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getContract(_ input: Operations.GetContract.Input) async throws -> Operations.GetContract.Output {
        let (contract, etag) = try await read(Self.contract, input.path.contractId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(contract)))
    }

    func updateContract(_ input: Operations.UpdateContract.Input) async throws -> Operations.UpdateContract.Output {
        let patch: Components.Schemas.ContractPatch
        switch input.body {
        case .json(let body), .applicationMergePatchJson(let body): patch = body
        }
        let (contract, etag) = try await update(Self.contract, input.path.contractId,
                                                operation: Operations.UpdateContract.id) { context, current, store in
            let keys = context.body.keys
            var checks = FieldChecks()
            let start = patch.startDate == nil ? current.start : checks.date(patch.startDate, at: "/startDate")
            let end = keys.contains("endDate") ? checks.date(patch.endDate, at: "/endDate") : current.end
            let cap = ContractRules.check(
                code: patch.code ?? current.code, name: patch.name ?? current.name,
                clientParty: patch.clientParty ?? current.clientParty, service: patch.service ?? current.service,
                start: start, end: end, fee: patch.monthlyFee ?? current.monthlyFee, currency: patch.currency ?? current.currency,
                capPercent: patch.serviceCreditCapPercent ?? BasisPoints.percent(current.creditCapBasisPoints), &checks)
            try checks.throwIfAny()
            guard let start, let cap else { throw APIProblem.internalError }  // nil only with an error noted
            var next = current
            next.code = patch.code ?? current.code
            next.name = patch.name ?? current.name
            next.clientParty = patch.clientParty ?? current.clientParty
            next.service = patch.service ?? current.service
            next.start = start
            next.end = end
            next.monthlyFee = patch.monthlyFee ?? current.monthlyFee
            next.currency = patch.currency ?? current.currency
            next.creditCapBasisPoints = cap
            // Measured periods stay inside the term: shrinking it would orphan recorded compliance.
            // (A term that shrinks has changed, so this runs only when the contract is written.)
            if next.start > current.start || (next.end ?? .distantFuture) < (current.end ?? .distantFuture),
               let (first, last) = try await store.measuredSpan(of: current.id) {
                var span = FieldChecks()
                span.require(next.start <= first, "/startDate", "would leave measured periods (from \(first)) outside the term")
                span.require((next.end ?? .distantFuture) >= last, "/endDate",
                             "would leave measured periods (to \(last)) outside the term")
                try span.throwIfAny()
            }
            return next
        }
        return .ok(.init(headers: .init(eTag: etag), body: .json(contract)))
    }

    func deleteContract(_ input: Operations.DeleteContract.Input) async throws -> Operations.DeleteContract.Output {
        try await delete(Self.contract, input.path.contractId, operation: Operations.DeleteContract.id)
        return .noContent(.init())
    }

}

extension Components.Schemas.Contract: VersionedWire {}

