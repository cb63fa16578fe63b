import APIDefinition
import Domain
import Foundation
import Persistence

/// Forums, meetings, decisions and actions as the contract's schemas.
enum ForumMapping {
    private static func id(_ id: UUID) -> String { GovernanceMapping.id(id) }

    static func resource(_ record: ForumRecord) -> Components.Schemas.GovernanceForum {
        .init(id: id(record.id), name: record.name, kind: .init(rawValue: record.kind.rawValue)!,
              cadence: .init(rawValue: record.cadence.rawValue)!, contractId: record.contractID.map(id),
              description: record.description, createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func resource(_ record: MeetingRecord) -> Components.Schemas.Meeting {
        .init(id: id(record.id), forumId: id(record.forumID), date: record.heldOn.description, attendees: record.attendees,
              minutes: record.minutes, createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version)
    }

    static func resource(_ record: DecisionRecord) -> Components.Schemas.Decision {
        .init(id: id(record.id), title: record.title, date: record.decidedOn.description, madeBy: record.madeBy,
              rationale: record.rationale, meetingId: record.meetingID.map(id), breachIds: record.breachIDs.map(id),
              projectIds: record.projectIDs.map(id), createdAt: record.createdAt, updatedAt: record.updatedAt,
              version: record.version)
    }

    static func resource(_ record: ActionRecord, today: CalendarDate) -> Components.Schemas.Action {
        .init(id: id(record.id), title: record.title, ownerId: id(record.ownerID), dueDate: record.due.description,
              status: .init(rawValue: record.status.rawValue)!, overdue: record.status.isOverdue(due: record.due, today: today),
              meetingId: record.meetingID.map(id), decisionId: record.decisionID.map(id), createdAt: record.createdAt,
              updatedAt: record.updatedAt, version: record.version)
    }
}
