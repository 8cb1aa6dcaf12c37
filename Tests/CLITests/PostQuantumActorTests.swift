import Foundation
import Ledger
import TestSupport
import Testing

/// Post-quantum actor keys through the CLI: a post-quantum workspace from init, actors of
/// either type, a move by rotation and rewrap, status, and the break-glass export.
@Suite("post-quantum actor keys in the CLI")
struct PostQuantumActorTests {
    func owner(_ status: CommandResult, _ actor: String?) throws -> [String: Any] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout)) as? [String: Any])
        let owners = try #require(report["owners"] as? [[String: Any]])
        return try #require(owners.first { ($0["actor"] as? String) == actor })
    }

    @Test("init --pq, enroll --pq/--classic, rotate --pq, rewrap, status and export", arguments: TestBackend.allCases)
    func lifecycle(_ backend: TestBackend) async throws {
        let session = try LedgerSession(backend)
        let initialized = try session.run("init", "--pq")
        try #require(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdoutText.contains("mlkem768x25519"))
        #expect(try session.run("actor", "enroll", "alice").stdoutText.contains("mlkem768x25519"))
        #expect(try session.run("actor", "enroll", "carol", "--classic").stdoutText.contains("x25519"))
        let both = try session.run("actor", "enroll", "dave", "--pq", "--classic")
        #expect(both.status == 2)
        let optIn = try session.run("actor", "enroll", "erin", "--keys", "opt-in", "--pq")
        #expect(optIn.status == 2)
        #expect(optIn.stderr.contains("key create"))
        var ids: [String] = []
        for actor in ["alice", "carol"] {
            for index in 0..<3 {
                let appended = try session.run(
                    "ledger", "append", "--actor", actor, input: Array("\(actor) \(index)".utf8))
                try #require(appended.status == 0, "\(appended.stderr)")
                ids.append(appended.stdoutText.trimmingCharacters(in: .newlines))
            }
        }
        var status = try session.run("status", "--json")
        #expect(try owner(status, "alice")["key_type"] as? String == "mlkem768x25519")
        #expect(try owner(status, "alice")["rows_post_quantum"] as? Int == 3)
        #expect(try owner(status, "carol")["rows_post_quantum"] as? Int == 0)
        #expect(try session.run("status").stdoutText.contains("post-quantum rows: 3 of 6 encrypted (50%)"))

        // carol moves over: rotate --pq, then rewrap; every row still reads back.
        let rotated = try session.run("key", "rotate", "--actor", "carol", "--pq", "--json")
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdoutText.contains(#""key_type":"mlkem768x25519""#))
        #expect(rotated.stdoutText.contains("key reencrypt --actor carol"))
        #expect(try session.run("key", "rewrap", "--actor", "carol").status == 0)
        status = try session.run("status", "--json")
        #expect(try owner(status, "carol")["rows_post_quantum"] as? Int == 0)
        #expect(try session.run("key", "reencrypt", "--actor", "carol").status == 0)
        status = try session.run("status", "--json")
        #expect(try owner(status, "carol")["rows_post_quantum"] as? Int == 3)
        #expect(try session.run("status").stdoutText.contains("post-quantum rows: 6 of 6 encrypted (100%)"))
        for (index, id) in ids.enumerated() {
            let read = try session.run("ledger", "read", id)
            #expect(read.stdoutText == "\(index < 3 ? "alice" : "carol") \(index % 3)")
        }

        // Break-glass: the export is an identity file of post-quantum keys that keygen -y reads.
        let exported = session.directory.file("alice.key")
        #expect(try session.run("key", "export", "--actor", "alice", "-o", exported).status == 0)
        #expect(session.directory.mode(of: exported) == 0o600)
        let recipient = try session.run("keygen", "-y", exported).stdoutText
        #expect(recipient.hasPrefix("age1pq1"))
        #expect(
            try owner(status, "alice")["versions"].map { "\($0)" }?.contains(
                recipient.trimmingCharacters(in: .newlines)) == true)
    }
}
