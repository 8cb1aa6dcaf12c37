import ActorKeys
import Admin
import AdminTestSupport
import Foundation
import Ledger
import TestSupport
import Testing

@Suite("ledger and lifecycle commands", .serialized)
struct LedgerCommandTests {
    @Test(
        "a new user's session: enroll, write, opt in, rotate twice, read, rewrap, retire, migrate, shred",
        arguments: TestBackend.allCases)
    func session(_ backend: TestBackend) async throws {
        let session = try LedgerSession(backend)
        let initialized = try session.run("init", "--json")
        try #require(initialized.status == 0, "\(initialized.stderr)")
        let token = try JSONSerialization.jsonObject(with: Data(initialized.stdout)) as! [String: String]
        #expect(token["token"]!.hasPrefix("ak_") && token["token"]!.count == 46)
        #expect(try session.run("init").status == 4)
        #expect(try session.run("actor", "enroll", "alice", "--keys", "auto").status == 0)
        #expect(try session.run("actor", "enroll", "bob", "--keys", "opt-in").status == 0)
        #expect(try session.run("actor", "enroll", "bob").status == 4)
        #expect(try session.run("actor", "enroll", "Bad/Id").status == 2)

        func append(_ actor: String, _ text: String, plaintext: Bool = false) throws -> String {
            let result = try session.run(
                arguments: ["ledger", "append", "--actor", actor] + (plaintext ? ["--plaintext"] : []),
                input: Array(text.utf8))
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdoutText.trimmingCharacters(in: .newlines)
        }
        var written: [String: String] = [:]
        written[try append("alice", "alice v1")] = "alice v1"
        written[try append("bob", "bob shared")] = "bob shared"
        written[try append("alice", "alice plain", plaintext: true)] = "alice plain"
        #expect(try session.run("key", "create", "--actor", "bob").status == 0)
        written[try append("bob", "bob own")] = "bob own"
        let rotation = try session.run("key", "rotate", "--actor", "alice", "--json")
        let rotated = try JSONSerialization.jsonObject(with: Data(rotation.stdout)) as! [String: Any]
        written[try append("alice", "alice v2")] = "alice v2"
        #expect(try session.run("key", "rotate", "--actor", "alice").status == 0)
        written[try append("alice", "alice v3")] = "alice v3"
        #expect(try session.run("key", "rotate", "--actor", "alice", "--name", "primary").status == 2)
        #expect(try session.run("key", "rotate", "--actor", "nobody").status == 3)
        #expect(try session.run("key", "rotate", "--actor", "alice", "--name", "v2").status == 4)
        #expect(try session.run("key", "rotate").status == 0)
        for (id, text) in written { #expect(try session.run("ledger", "read", id).stdoutText == text) }

        let previous = rotated["previous_fingerprint"] as! String
        #expect(try session.run("key", "retire", "--actor", "alice", "--key", previous).status == 4)
        #expect(try session.run("key", "rewrap", "--all").status == 0)
        #expect(try session.run("key", "retire", "--actor", "alice", "--key", previous).status == 0)
        #expect(try session.run("ledger", "migrate").status == 0)
        for (id, text) in written { #expect(try session.run("ledger", "read", id).stdoutText == text) }

        // prompt_encryption_actor_id is NULL exactly for the shared-key rows.
        #expect(
            try await session.scalar("SELECT count(*) FROM ledger_entries WHERE prompt_encryption_actor_id IS NULL")
                == 0)
        written[try append("admin", "admin under the shared key")] = "admin under the shared key"
        #expect(
            try await session.scalar("SELECT count(*) FROM ledger_entries WHERE prompt_encryption_actor_id IS NULL")
                == 1)
        #expect(
            try await session.scalar(
                "SELECT count(*) FROM ledger_entries WHERE prompt_encryption_actor_id IS NULL AND protection = 'encrypted'"
            ) == 1)

        let shred = try session.run("key", "shred", "--actor", "bob", "--yes")
        #expect(shred.status == 0, "\(shred.stderr)")
        for (id, text) in written {
            let read = try session.run("ledger", "read", id)
            if text.hasPrefix("bob") {
                #expect(read.status == 1)
                #expect(read.isOneErrorLine && read.stderr.contains("shredded"))
            } else {
                #expect(read.stdoutText == text)
            }
        }
        #expect(try session.run("ledger", "read", "01ARZ3NDEKTSV4RRFFQ69G5FAV").status == 3)
        #expect(try session.run("ledger", "read", "nonsense").status == 2)
        let status = try session.run("status", "--json")
        #expect(status.status == 0)
        #expect(try session.run("audit", "verify").status == 0)

        // No table holds a secret: no identity, no token, no plaintext payload of an encrypted row.
        var secrets = [token["token"]!]
        for file in try FileManager.default.subpathsOfDirectory(atPath: session.directory.file("home/keys"))
        where file.hasSuffix(".key") {
            let contents = session.directory.contents(of: session.directory.file("home/keys/" + file))
            secrets += contents.split(separator: "\n").filter { $0.hasPrefix("AGE-SECRET-KEY-1") }.map(String.init)
        }
        secrets += ["AGE-SECRET-KEY", "alice v1", "alice v2", "bob own"]
        let dump = try await session.databaseText()
        for secret in secrets { #expect(!dump.contains(secret), "the database holds a secret") }
    }

    @Test(
        "kill -9 during migrate, rewrap and re-encrypt: every row reads back, and a rerun finishes the job",
        arguments: TestBackend.allCases)
    func crashSafety(_ backend: TestBackend) async throws {
        let session = try LedgerSession(backend)
        let small = ["ACTORKEYS_DATA_KEY_MAX_RECORDS": "5"]
        try #require(try session.run("init").status == 0)
        _ = try session.run("actor", "enroll", "alice")
        _ = try session.run("actor", "enroll", "bob", "--keys", "opt-in")
        let expected = Set(
            try session.importRows("alice", count: 4000, extra: small)
                + session.importRows("bob", count: 4000, extra: small))
        #expect(Set(try await session.readAll().values) == expected)

        // migrate: bob's shared-key rows to his new key.
        _ = try session.run("key", "create", "--actor", "bob")
        try await killMidway(
            session, ["ledger", "migrate"], extra: small,
            progressed: "SELECT count(*) FROM ledger_entries WHERE prompt_encryption_actor_id = 'bob'", total: 4000)
        #expect(Set(try await session.readAll().values) == expected)
        #expect(try session.run("ledger", "migrate").status == 0)
        #expect(
            try await session.scalar("SELECT count(*) FROM ledger_entries WHERE prompt_encryption_actor_id IS NULL")
                == 0)

        // rewrap: alice's 800 data keys to her new version.
        _ = try session.run("key", "rotate", "--actor", "alice")
        try await killMidway(
            session, ["key", "rewrap", "--actor", "alice"], extra: [:],
            progressed:
                "SELECT count(*) FROM data_keys WHERE actor_id = 'alice' AND fingerprints NOT LIKE '% %' AND fingerprints = (SELECT fingerprint FROM actor_keys WHERE actor_id = 'alice' AND state = 'active')",
            total: 800)
        #expect(Set(try await session.readAll().values) == expected)
        #expect(try session.run("key", "rewrap", "--actor", "alice").status == 0)

        // re-encrypt: alice's rows to fresh data keys, the old ones erased.
        let oldKeys = try await session.scalar("SELECT count(*) FROM data_keys WHERE actor_id = 'alice'")
        try await killMidway(
            session, ["key", "reencrypt", "--actor", "alice"], extra: small,
            progressed: """
                SELECT CASE WHEN (SELECT count(*) FROM data_keys WHERE actor_id = 'alice' AND state = 'replacing') = 0 THEN 0
                ELSE (SELECT count(*) FROM ledger_entries WHERE actor_id = 'alice' AND data_key_id IN (SELECT id FROM data_keys WHERE state <> 'replacing')) END
                """,
            total: 4000)
        #expect(Set(try await session.readAll().values) == expected)
        #expect(try session.run("key", "reencrypt", "--actor", "alice").status == 0)
        #expect(
            try await session.scalar("SELECT count(*) FROM data_keys WHERE actor_id = 'alice' AND state = 'replacing'")
                == 0)
        #expect(
            try await session.scalar("SELECT count(*) FROM data_keys WHERE actor_id = 'alice' AND state = 'erased'")
                == oldKeys)
        #expect(Set(try await session.readAll().values) == expected)
    }

    /// Starts a long command, SIGKILLs it once `progressed` counts some but not all of `total`,
    /// and checks it was indeed killed mid-way.
    func killMidway(
        _ session: LedgerSession, _ arguments: [String], extra: [String: String], progressed: String, total: Int
    ) async throws {
        let process = try session.start(arguments, extra: extra)
        var seen = 0
        while process.isRunning {
            seen = (try? await session.scalar(progressed)) ?? 0
            if seen > 0 {
                kill(process.processIdentifier, SIGKILL)
                break
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "\(arguments) finished before it could be killed")
        #expect(seen < total)
    }

    @Test("short CLI runs share one data key: 40 appends leave one sealing key", arguments: TestBackend.allCases)
    func shortRunsShareADataKey(_ backend: TestBackend) async throws {
        let session = try LedgerSession(backend)
        try #require(try session.run("init").status == 0)
        try #require(try session.run("actor", "enroll", "alice").status == 0)
        for index in 0..<40 {
            let appended = try session.run("ledger", "append", "--actor", "alice", input: Array("prompt \(index)".utf8))
            try #require(appended.status == 0, "\(appended.stderr)")
        }
        let status = try session.run("status", "--json")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout)) as? [String: Any])
        let owners = try #require(report["owners"] as? [[String: Any]])
        let alice = try #require(owners.first { $0["actor"] as? String == "alice" })
        #expect(alice["data_keys"] as? [String: Int] == ["sealing": 1], "\(alice)")
        #expect(alice["rows"] as? Int == 40)
        #expect(try await session.scalar("SELECT records FROM data_keys WHERE actor_id = 'alice'") == 40)
    }

    @Test("a rotation from the CLI is used by a running application within a second", arguments: TestBackend.allCases)
    func cliRotationSeenByRunningApplication(_ backend: TestBackend) async throws {
        let session = try LedgerSession(backend)
        try #require(try session.run("init").status == 0)
        _ = try session.run("actor", "enroll", "alice")
        let workspace = try await Admin.Workspace.open(
            home: session.directory.file("home"), database: try Ledger.DatabaseURL(session.databaseURL))
        let watcher = Task { await workspace.watchKeyChanges(every: .milliseconds(200)) }
        defer { watcher.cancel() }
        let alice = try ActorKeys.ActorID("alice")
        _ = try await workspace.ledger.append(try Ledger.NewEntry(actor: alice, kind: "prompt", payload: [1]))
        let rotation = try session.run("key", "rotate", "--actor", "alice", "--json")
        let fingerprint =
            (try JSONSerialization.jsonObject(with: Data(rotation.stdout)) as! [String: Any])["fingerprint"] as! String
        let deadline = ContinuousClock.now + .seconds(1)
        var switched = false
        while ContinuousClock.now < deadline, !switched {
            let id = try await workspace.ledger.append(try Ledger.NewEntry(actor: alice, kind: "prompt", payload: [2]))
            let entry = try await workspace.ledger.read(id).entry
            switched = try await workspace.store.dataKey(id: entry.dataKey!)?.fingerprints.first?.hex == fingerprint
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(switched, "the application kept sealing under the old key")
    }
}

extension LedgerSession {
    /// Every text and blob cell of every table, as text, to look for secrets in.
    func databaseText() async throws -> String {
        try await store().textOfEveryRow(in: [
            "actors", "actor_keys", "data_keys", "ledger_entries", "audit_events", "api_tokens", "schema_migrations",
            "key_generation",
        ])
    }
}
