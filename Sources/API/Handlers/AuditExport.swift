import APIDefinition
import Foundation
import Persistence

/// An audit export read page by page as the client consumes it: each page is its own short tenant
/// transaction under the request's credential, so an export holds no transaction open while the
/// client reads, its memory stays one page, and a key revoked meanwhile stops it.
struct AuditExport: Sendable {
    static let pageSize = 500

    let session: TenantSession
    let filter: AuditFilter
    /// The request's scope, bound again for pages read after the handler has returned.
    let scope: RequestScope?

    func page(after cursor: UUID?) async throws -> [AuditEventRecord] {
        try await RequestScope.$current.withValue(scope) {
            try await session.run { context in
                try await AuditLog(context.scope).page(filter, after: cursor, limit: Self.pageSize)
            }
        }
    }

    /// NDJSON, one chunk per page.
    struct Lines: AsyncSequence, Sendable {
        typealias Element = ArraySlice<UInt8>
        let export: AuditExport
        let first: [AuditEventRecord]

        func makeAsyncIterator() -> Iterator { Iterator(export: export, next: first) }

        struct Iterator: AsyncIteratorProtocol {
            let export: AuditExport
            var next: [AuditEventRecord]?

            mutating func next() async throws -> ArraySlice<UInt8>? {
                guard let page = next, !page.isEmpty else { return nil }
                // A short page is the last one; otherwise read on after its last event.
                next = page.count < AuditExport.pageSize ? nil : try await export.page(after: page.last!.id)
                var chunk: [UInt8] = []
                for event in page {
                    chunk += try WireJSON.encoder.encode(try AuditMapping.resource(event))
                    chunk.append(UInt8(ascii: "\n"))
                }
                return chunk[...]
            }
        }
    }
}
