import APIDefinition
import Domain
import Foundation
import Persistence

/// Between the generated wire types and stored data exports.
enum DataExportMapping {
    static func resource(_ record: DataExportRecord) -> Components.Schemas.DataExport {
        Components.Schemas.DataExport(
            id: record.id.wire, status: status(record.status),
            requestedBy: .init(_type: record.requestedByType, id: record.requestedByID), attempts: record.attempts,
            startedAt: record.startedAt, completedAt: record.completedAt, tableCount: record.tableCount,
            rowCount: record.rowCount, sizeBytes: record.sizeBytes, sha256: record.sha256, failure: record.failure,
            downloadUrl: record.status.isDownloadable ? "/v1/exports/\(record.id.wire)/archive" : nil,
            createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func status(_ status: DataExportStatus) -> Components.Schemas.DataExport.StatusPayload {
        switch status {
        case .queued: .queued
        case .running: .running
        case .succeeded: .succeeded
        case .failed: .failed
        }
    }
}

extension Components.Schemas.DataExport: VersionedWire {}
