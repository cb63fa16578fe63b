import Domain
import Foundation
import Synchronization

/// The day each tenant's overdue deliverables were last judged by a read, in this process. A
/// deliverable becomes overdue undelivered only when a day ends (creating, re-dating or un-delivering
/// one judges it at once), so one judgement per tenant per day is enough: reads stop paying for a
/// tenant's whole history of undelivered deliverables. Should the judging transaction roll back, the
/// hourly check (`DeliverableCheckService`) still opens the breaches.
final class DeliverableRefreshes: Sendable {
    private let judged = Mutex<[TenantID: CalendarDate]>([:])

    /// True the first time it is asked for a tenant on a day, then false until the next day.
    func claim(_ tenant: TenantID, today: CalendarDate) -> Bool {
        judged.withLock { days in
            guard days[tenant] != today else { return false }
            days[tenant] = today
            return true
        }
    }
}
