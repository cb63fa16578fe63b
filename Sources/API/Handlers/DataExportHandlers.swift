import APIDefinition
import Domain
import Foundation
import OpenAPIRuntime
import Persistence

/// A tenant's owners take a copy of all the organisation's data: asked for here, written by the
/// server's background runner (`DataExportRunner`), downloaded as one tar.
extension APIHandler {
    static let dataExport = ResourceKind<DataExportStore, Components.Schemas.DataExport>(
        noun: "Data export", auditType: "data_export", fields: [],
        store: { DataExportStore($0.scope) }, render: DataExportMapping.resource)

    func listDataExports(_ input: Operations.ListDataExports.Input) async throws -> Operations.ListDataExports.Output {
        let page = try await list(Self.dataExport, limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: page.items, nextCursor: page.nextCursor))))
    }

    func createDataExport(_ input: Operations.CreateDataExport.Input) async throws -> Operations.CreateDataExport.Output {
        let (created, etag) = try await create(Self.dataExport, operation: Operations.CreateDataExport.id,
                                               location: { "/v1/exports/\($0.id.wire)" }) { context, store in
            try await store.insert(id: context.environment.newID(), requestedBy: context.actor, at: context.environment.now())
        }
        return .accepted(.init(headers: .init(location: created.location, eTag: etag), body: .json(created.resource)))
    }

    func getDataExport(_ input: Operations.GetDataExport.Input) async throws -> Operations.GetDataExport.Output {
        let (export, etag) = try await read(Self.dataExport, input.path.exportId)
        return .ok(.init(headers: .init(eTag: etag), body: .json(export)))
    }

    func downloadDataExport(_ input: Operations.DownloadDataExport.Input) async throws -> Operations.DownloadDataExport.Output {
        let id = try Self.dataExport.id(input.path.exportId)
        // Handing all the organisation's data out is audited like a write.
        let archive = try await session.run { context -> Data in
            let store = DataExportStore(context.scope)
            guard let export = try await store.find(id) else { throw Self.dataExport.notFound(input.path.exportId) }
            guard export.status.isDownloadable, let archive = try await store.archive(of: id) else {
                throw APIProblem(status: 409, type: "export-not-ready", title: "Export not ready",
                                 detail: "The export is \(export.status.rawValue); its archive can be downloaded once it has succeeded.")
            }
            try await audit(context, Operations.DownloadDataExport.id, Self.dataExport.auditType, id, changed: [])
            return archive
        }
        return .ok(.init(body: .applicationXTar(HTTPBody(archive))))
    }
}
