import ActorKeys
import Ledger

/// One audit event: who, what, on whom, the outcome, and the chain.
public struct AuditEventReport: JSONReport {
    public let seq: Int64
    public let id: String
    public let occurredAt: String
    public let eventType: String
    public let principal: String?
    public let targetActor: String?
    public let outcome: String
    /// The event's details, as the JSON object it was recorded as.
    public let details: [String: String]
    public let previousHash: String
    public let hash: String

    public init(_ record: AuditRecord) {
        seq = record.sequence
        id = record.id
        occurredAt = record.occurredAt.rfc3339Milliseconds
        eventType = record.eventType
        principal = record.principal
        targetActor = record.targetActor
        outcome = record.outcome
        details = AuditDetails(recorded: record.details)
        previousHash = record.previousHash
        hash = record.hash
    }

    public static let schema = ReportSchema<Self>(
        "AuditEvent", "One event of the hash-chained audit trail.",
        [
            .init("seq", \.seq, "Its position in the trail.", as: .integer(minimum: 1, maximum: nil)),
            .init("id", \.id, "The event id."),
            .init("occurred_at", \.occurredAt, "When it happened.", as: .dateTime),
            .init("event_type", \.eventType, "admin.<action>.success or admin.<action>.error.<code>."),
            .init("principal", \.principal, "Who acted: cli:<user> or actor:<id>."),
            .init("target_actor", \.targetActor, "The actor acted on, if any."),
            .init("outcome", \.outcome, "success or failure.", as: .oneOf(["success", "failure"])),
            .init("details", \.details, "Fingerprints, paths, counts, reasons; never a secret."),
            .init("previous_hash", \.previousHash, "The hash of the event before it."),
            .init("hash", \.hash, "SHA-256 over the previous hash and this event's content."),
        ])
}

/// A page of the audit trail; `next_after` is the `after` of the next page, null at the end.
public struct AuditPageReport: JSONReport {
    public let events: [AuditEventReport]
    public let nextAfter: Int64?

    public init(events: [AuditRecord], limit: Int) {
        self.events = events.map(AuditEventReport.init)
        nextAfter = events.count == limit ? events.last?.sequence : nil
    }

    public static let schema = ReportSchema<Self>(
        "AuditPage", "A page of audit events, oldest first.",
        [
            .init("events", \.events, "The events."),
            .init("next_after", \.nextAfter, "The after of the next page; null at the end.", as: .nullable(.count)),
        ])
}

/// The check of the whole chain.
public struct AuditVerificationReport: JSONReport {
    public let events: Int
    public let intact: Bool
    public let firstBroken: Int64?
    public let problem: String?
    public let anchors: [String]

    public init(_ verification: AuditVerification) {
        events = verification.events
        intact = verification.isIntact
        firstBroken = verification.firstBroken
        problem = verification.problem
        anchors = verification.anchors
    }

    public static let schema = ReportSchema<Self>(
        "AuditVerification",
        "Whether every event's hash and link to the one before it hold, and the chain reaches every head kept outside the database.",
        [
            .init("events", \.events, "Events checked.", as: .count),
            .init("intact", \.intact, "Whether the chain holds."),
            .init(
                "first_broken", \.firstBroken, "The first event that does not; null when intact.", as: .nullable(.count)
            ),
            .init("problem", \.problem, "What is wrong with it; null when intact."),
            .init(
                "anchors", \.anchors,
                "The heads kept outside the database that the chain was held to (the home's audit-head, --head)."),
        ])
}
