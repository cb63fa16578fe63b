import APIDefinition
import Domain
import Foundation
import Persistence

/// Forums, meetings, decisions and actions as the contract's schemas.
enum ForumMapping {
    static func resource(_ record: ForumRecord) -> Components.Schemas.GovernanceForum {
        .init(id: record.id.wire, name: record.name, kind: .init(record.kind),
              cadence: .init(record.cadence), contractId: record.contractID.map(\.wire),
              description: record.description, createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func resource(_ record: MeetingRecord) -> Components.Schemas.Meeting {
        .init(id: record.id.wire, forumId: record.forumID.wire, date: record.heldOn.description, attendees: record.attendees,
              minutes: record.minutes, createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func resource(_ record: DecisionRecord) -> Components.Schemas.Decision {
        .init(id: record.id.wire, title: record.title, date: record.decidedOn.description, madeBy: record.madeBy,
              rationale: record.rationale, meetingId: record.meetingID.map(\.wire), breachIds: record.breachIDs.map(\.wire),
              projectIds: record.projectIDs.map(\.wire), createdAt: record.createdAt, updatedAt: record.updatedAt,
              version: record.version)
    }

    static func resource(_ record: ActionRecord, today: CalendarDate) -> Components.Schemas.Action {
        .init(id: record.id.wire, title: record.title, ownerId: record.ownerID.wire, dueDate: record.due.description,
              status: .init(record.status), overdue: record.status.isOverdue(due: record.due, today: today),
              meetingId: record.meetingID.map(\.wire), decisionId: record.decisionID.map(\.wire), createdAt: record.createdAt,
              updatedAt: record.updatedAt, version: record.version)
    }
}
