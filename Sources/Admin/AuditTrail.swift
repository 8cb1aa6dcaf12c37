import FoundationEssentials
import Ledger

/// AuditDetails are the facts an audit event carries: fingerprints, paths, counts, reasons.
/// Strings only, and never a secret: the use cases put nothing else in.
public typealias AuditDetails = [String: String]

extension AuditDetails {
    /// The details as an event recorded them (a JSON object of strings); empty if unreadable.
    init(recorded json: String) {
        self = (try? JSONDecoder().decode(AuditDetails.self, from: Data(json.utf8))) ?? [:]
    }
}

extension KeyAdministration {
    /// Runs an administrative action and records its outcome: `admin.<action>.success` with the
    /// details it returns, or `admin.<action>.error.<code>` with the error message.
    func audited<Result>(
        _ action: String, target: String?, _ body: () async throws(AdminError) -> (Result, AuditDetails)
    ) async throws(AdminError) -> Result {
        let outcome: (Result, AuditDetails)
        do {
            outcome = try await body()
        } catch {
            try? await recordFailure(action, target: target, error: error)
            throw error
        }
        do {
            try await record("admin.\(action).success", target: target, outcome: "success", details: outcome.1)
        } catch {
            throw AdminError(
                .failed, "\(action) succeeded, but its audit event could not be recorded: \(error.message)")
        }
        return outcome.0
    }

    /// Records `admin.<action>.error.<code>` with the error's message.
    func recordFailure(_ action: String, target: String?, error: AdminError) async throws(AdminError) {
        try await record(
            "admin.\(action).error.\(error.code.rawValue)", target: target, outcome: "failure",
            details: ["error": error.message])
    }

    /// Records `admin.<action>.error.<code>` for a refusal that is not a use case's thrown
    /// error: a provider configuration whose test failed (`code` is the test's error code), or
    /// a request refused before its use case ran (a body that breaks its schema, or is too
    /// large), so that every failure of an action is in the trail. Details never hold a
    /// submitted value.
    public func recordRejection(
        _ action: String, target: String? = nil, code: String, details: AuditDetails
    ) async throws(AdminError) {
        try await record("admin.\(action).error.\(code)", target: target, outcome: "failure", details: details)
    }

    /// Records `admin.<action>.success`, for actions that are not a use case of their own.
    public func recordSuccess(_ action: String, target: String?, details: AuditDetails) async throws(AdminError) {
        try await record("admin.\(action).success", target: target, outcome: "success", details: details)
    }

    private func record(
        _ eventType: String, target: String?, outcome: String, details: AuditDetails
    ) async throws(AdminError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(details)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let event = try await admin {
            try await workspace.store.appendAudit(
                eventType: eventType, principal: principal.description, targetActor: target, outcome: outcome,
                details: json)
        }
        AuditCheckpoint.advance(home: workspace.home, to: event)
    }
}

/// AuditVerification is the result of checking the whole chain.
public struct AuditVerification: Sendable, Hashable {
    public let events: Int
    /// The first event whose stored hash or link does not match, if any.
    public let firstBroken: Int64?
    public let problem: String?
    /// The heads outside the database that the chain was held to (the checkpoint file, `--head`).
    public var anchors: [String] = []

    public var isIntact: Bool { firstBroken == nil && problem == nil }
}

extension KeyAdministration {
    /// Recomputes every event's hash and checks each links to the one before: an edited,
    /// deleted, inserted or reordered event is found. Then holds the chain to the heads kept
    /// outside the database, this home's checkpoint and `heads`: a cut or rewritten tail is found.
    public func verifyAudit(heads: [AuditCheckpoint] = []) async throws(AdminError) -> AuditVerification {
        var verification = try await verifyChain()
        guard verification.isIntact else { return verification }
        let anchors = (try AuditCheckpoint.read(home: workspace.home).map { [$0] } ?? []) + heads
        for anchor in anchors {
            verification.anchors.append(anchor.source)
            if let problem = try await check(anchor) {
                let last = try await admin { try await store.lastAuditSequence() }
                return AuditVerification(
                    events: verification.events, firstBroken: last + 1, problem: problem,
                    anchors: verification.anchors)
            }
        }
        return verification
    }

    private func verifyChain() async throws(AdminError) -> AuditVerification {
        var previous = AuditRecord.genesis
        var after: Int64 = 0
        var count = 0
        while true {
            let page = try await admin { try await workspace.store.auditEvents(after: after, limit: 1000) }
            if page.isEmpty { return AuditVerification(events: count, firstBroken: nil, problem: nil) }
            for event in page {
                count += 1
                guard event.previousHash == previous else {
                    return AuditVerification(
                        events: count, firstBroken: event.sequence,
                        problem:
                            "event \(event.sequence) does not follow the event before it (deleted, inserted or reordered)"
                    )
                }
                let expected = AuditRecord.hash(
                    previous: event.previousHash, id: event.id, occurredAt: event.occurredAt,
                    eventType: event.eventType, principal: event.principal, targetActor: event.targetActor,
                    outcome: event.outcome, details: event.details)
                guard expected == event.hash else {
                    return AuditVerification(
                        events: count, firstBroken: event.sequence,
                        problem: "event \(event.sequence) was altered: its hash does not match its content")
                }
                previous = event.hash
                after = event.sequence
            }
        }
    }
}
