import ActorKeys
import Admin
import AdminTestSupport
import Foundation
import Ledger
import TestSupport
import Testing

@Suite("audit trail", .serialized)
struct AuditTests {
    @Test(
        "every action leaves an event, successes and failures, and none holds a secret", arguments: TestBackend.allCases
    )
    func events(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        _ = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        _ = try? await fixture.admin.rotate(.shared, name: "primary")
        let token = try await fixture.admin.createToken(for: fixture.id("alice"))
        let rotation = try await fixture.admin.rotate(.actor(fixture.id("alice")))
        let events = try await fixture.store.auditEvents(limit: 1000)
        let types = events.map(\.eventType)
        #expect(
            types == [
                "admin.init.success", "admin.actor.enroll.success", "admin.encryption.rotate.error.invalid_argument",
                "admin.token.create.success", "admin.encryption.rotate.success",
            ])
        let rotate = events.last!
        #expect(rotate.details.contains(rotation.version.fingerprint.hex))
        #expect(rotate.details.contains(rotation.previous.fingerprint.hex))
        #expect(rotate.details.contains(rotation.version.recipient.encoded))
        #expect(rotate.principal == "cli:tests" && rotate.targetActor == "alice")
        let secrets = [token.token, "AGE-SECRET-KEY"]
        for event in events {
            for secret in secrets { #expect(!event.details.contains(secret) && !event.eventType.contains(secret)) }
        }
        #expect(try await fixture.admin.verifyAudit().isIntact)
    }

    @Test("verify finds an edited, a deleted and a reordered event", arguments: TestBackend.allCases)
    func tampering(_ backend: TestBackend) async throws {
        let columns = "id, occurred_at, event_type, principal, target_actor, outcome, details, previous_hash, hash"
        // Swaps the contents of events 2 and 3 (their sequence numbers are fixed).
        let reorder: @Sendable (SQLConnection) throws(LedgerError) -> Void = { connection throws(LedgerError) in
            let two = try connection.query("SELECT \(columns) FROM audit_events WHERE seq = 2")[0].values
            let three = try connection.query("SELECT \(columns) FROM audit_events WHERE seq = 3")[0].values
            let assignments = columns.split(separator: ",").enumerated().map {
                "\($1.trimmingCharacters(in: .whitespaces)) = $\($0 + 2)"
            }.joined(separator: ", ")
            try connection.execute("UPDATE audit_events SET hash = 'swapping', id = 'swapping' WHERE seq = 2", [])
            try connection.execute("UPDATE audit_events SET \(assignments) WHERE seq = $1", [.integer(3)] + two)
            try connection.execute("UPDATE audit_events SET \(assignments) WHERE seq = $1", [.integer(2)] + three)
        }
        let tampers: [(String, @Sendable (SQLConnection) throws(LedgerError) -> Void)] = [
            (
                "edit",
                { connection throws(LedgerError) in
                    try connection.execute(
                        "UPDATE audit_events SET details = '{\"fingerprint\":\"forged\"}' WHERE seq = 3", [])
                }
            ),
            (
                "delete",
                { connection throws(LedgerError) in try connection.execute("DELETE FROM audit_events WHERE seq = 2", [])
                }
            ),
            (
                "retime",
                { connection throws(LedgerError) in
                    try connection.execute("UPDATE audit_events SET occurred_at = occurred_at + 1 WHERE seq = 4", [])
                }
            ),
            ("reorder", reorder),
        ]
        for (name, tamper) in tampers {
            let fixture = try await AdminFixture(backend)
            for actor in ["a", "b", "c", "d"] { _ = try await fixture.admin.enroll(fixture.id(actor), keys: .optIn) }
            #expect(try await fixture.admin.verifyAudit().isIntact)
            try await fixture.store.pool.write { connection throws(LedgerError) in try tamper(connection) }
            let verification = try await fixture.admin.verifyAudit()
            #expect(!verification.isIntact, "not detected: \(name)")
        }
    }
}
