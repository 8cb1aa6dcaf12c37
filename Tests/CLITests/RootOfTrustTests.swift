import ActorKeys
import Admin
import Envelope
import Foundation
import Ledger
import Registry
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("root of trust and many nodes", .serialized)
struct RootOfTrustTests {
    static func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result.stderr)")
    }

    @Test(
        "init --root-key: one provider call at start, identities only sealed, nothing secret in a file, the database or the audit trail",
        arguments: TestBackend.allCases, TestRootKey.allCases)
    func nothingInClear(_ backend: TestBackend, _ rootKey: TestRootKey) async throws {
        let nodes = try Nodes(backend, rootKey)
        let token = try nodes.initialize()
        #expect(try nodes.run("a", "actor", "enroll", "alice").status == 0)
        let appended = try nodes.run("a", "ledger", "append", "--actor", "alice", input: Array("a prompt".utf8))
        #expect(appended.status == 0, "\(appended.stderr)")
        let id = appended.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try nodes.run("a", "ledger", "read", id).stdoutText == "a prompt")
        #expect(try nodes.run("a", "key", "rotate", "--actor", "alice").status == 0)
        let shown = try Self.json(try nodes.run("a", "root", "show", "--json"))
        #expect(shown["provider_calls"] as? Int == 1, "one unwrap of the one sealing key at start")
        #expect(shown["provider"] as? String == rootKey.rawValue && shown["state"] as? String == "ok")
        let status = try Self.json(try nodes.run("a", "status", "--json"))
        #expect((status["root"] as? [String: Any])?["uri"] as? String != nil)
        #expect(
            (status["owners"] as? [[String: Any]])?.allSatisfy { $0["active_identity_available"] as? Bool == true }
                == true)

        let secrets = try rootKey.secrets() + [token, "AGE-SECRET-KEY"]
        for (path, data) in nodes.homeFiles() {
            for secret in secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret")
            }
        }
        let database = try await nodes.databaseText()
        for secret in secrets { #expect(!database.contains(secret), "the database holds a secret") }
        let audit = try nodes.run("a", "audit", "list", "--json").stdoutText
        for secret in secrets { #expect(!audit.contains(secret), "the audit trail holds a secret") }
        #expect(audit.contains("admin.init.success"))
    }

    @Test(
        "many nodes, one database: enroll on one, write on another, rotate and reseal on a third, read everywhere within a second",
        arguments: TestBackend.allCases, TestRootKey.remote)
    func manyNodes(_ backend: TestBackend, _ rootKey: TestRootKey) async throws {
        let nodes = try Nodes(backend, rootKey)
        let token = try nodes.initialize()
        let server = try await ServerNode(nodes, node: "b")
        defer { server.stop() }
        #expect(try nodes.run("c", "actor", "enroll", "alice").status == 0)
        let first = try await server.request(
            "/v1/ledger/entries", method: "POST", token: token, body: #"{"actor_id":"alice","payload":"one"}"#)
        #expect(first.0 == 201, "\(first.1)")
        #expect(first.1["prompt_encryption_actor_id"] as? String == "alice")

        let rotated = try Self.json(try nodes.run("d", "key", "rotate", "--actor", "alice", "--json"))
        let fresh = try #require(rotated["fingerprint"] as? String)
        // Within a second the server seals under the new version.
        let store = try await LedgerStore.open(try DatabaseURL(nodes.databaseURL))
        var underNew = false
        let deadline = ContinuousClock.now + .seconds(1)
        var ids = [try #require(first.1["id"] as? String)]
        while !underNew && ContinuousClock.now < deadline {
            let written = try await server.request(
                "/v1/ledger/entries", method: "POST", token: token, body: #"{"actor_id":"alice","payload":"two"}"#)
            let id = try #require(written.1["id"] as? String)
            ids.append(id)
            let (_, record) = try #require(try await store.entry(try EntryID(id)))
            let dataKey = try #require(try await store.dataKey(id: try RecordEnvelope.dataKeyID(of: record)))
            underNew = dataKey.fingerprints.first?.hex == fresh
            if !underNew { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(underNew, "the server did not seal under the rotated key within a second")

        let resealed = try nodes.run("d", "root", "reseal", "--json")
        #expect(resealed.status == 0, "\(resealed.stderr)")
        try await Task.sleep(for: .milliseconds(1200))
        let after = try await server.request(
            "/v1/ledger/entries", method: "POST", token: token, body: #"{"actor_id":"alice","payload":"three"}"#)
        #expect(after.0 == 201, "\(after.1)")
        ids.append(try #require(after.1["id"] as? String))
        #expect(try nodes.run("e", "actor", "enroll", "bob").status == 0)

        for id in ids {
            let read = try nodes.run("c", "ledger", "read", id)
            #expect(read.status == 0 && !read.stdoutText.isEmpty, "\(read.stderr)")
            let served = try await server.request("/v1/ledger/entries/\(id)", token: token)
            #expect(served.0 == 200 && served.1["payload"] as? String != nil)
        }
        // The nodes' home folders hold nothing but what a node may keep: no identity, no key.
        for (path, data) in nodes.homeFiles() where !path.hasSuffix(".log") {
            #expect(data.range(of: Data("AGE-SECRET-KEY".utf8)) == nil, "\(path)")
        }
        // The server made one provider call at start and one per sealing key to follow the reseal
        // (two if it looked while both were in use), none per request; and status asked the
        // provider for its facts once (they are cached five minutes).
        let status = try await server.request("/v1/admin/encryption/status", token: token)
        let calls = try #require((status.1["root"] as? [String: Any])?["provider_calls"] as? Int)
        #expect((3...4).contains(calls), "\(calls) provider calls")
        let again = try nodes.run("f", "init", "--root-key", nodes.rootURI)
        #expect(again.status == 4)
        #expect(again.stderr.contains("already holds an initialized workspace"))
        let log = server.stop()
        for secret in try rootKey.secrets() + [token, "AGE-SECRET-KEY"] {
            #expect(!log.contains(secret), "the server's log holds a secret")
        }
    }

    @Test(
        "the provider goes away: cached keys serve and show stale since, then fail closed, and recover by themselves",
        arguments: TestBackend.allCases)
    func providerOutage(_ backend: TestBackend) async throws {
        let nodes = try Nodes(backend, .vaultTransit)
        let vault = try #require(
            ProcessInfo.processInfo.environment["ACTORKEYS_TEST_VAULT_PID"].flatMap { Int32($0) },
            "ACTORKEYS_TEST_VAULT_PID is not set: run the tests through scripts/with-openbao")
        let token = try nodes.initialize()
        #expect(try nodes.run("a", "actor", "enroll", "alice").status == 0)
        let short = ["ACTORKEYS_ROOT_CACHE_TTL": "4", "ACTORKEYS_PROVIDER_TIMEOUT": "1"]
        let server = try await ServerNode(nodes, node: "b", extra: short)
        defer { server.stop() }
        func append(_ text: String) async throws -> (Int, [String: Any]) {
            try await server.request(
                "/v1/ledger/entries", method: "POST", token: token, body: #"{"actor_id":"alice","payload":"\#(text)"}"#)
        }
        let first = try await append("before")
        #expect(first.0 == 201)
        let id = try #require(first.1["id"] as? String)

        kill(vault, SIGSTOP)  // the provider stops answering: connections hang, calls time out
        defer { kill(vault, SIGCONT) }
        var stale = false
        for _ in 0..<40 where !stale {
            try await Task.sleep(for: .milliseconds(100))
            let health = try await server.request("/healthz")
            stale = health.0 == 200 && health.1["root"] as? String == "stale" && health.1["stale_since"] is String
        }
        #expect(stale, "/healthz did not show stale since")
        #expect(try await append("while stale").0 == 201, "cached keys keep serving within the lifetime")
        // A process that starts now unseals nothing and says so in one line.
        let started = try nodes.run("c", "ledger", "read", id, extra: short)
        #expect(started.status == 1)
        #expect(
            started.stderr.contains("unavailable") && started.stderr.split(separator: "\n").count == 1,
            "\(started.stderr)")
        let serve = try nodes.run("d", "serve", "--port", "1", extra: short)
        #expect(serve.status == 1 && serve.stderr.contains("cannot serve"), "\(serve.stderr)")

        var closed = false
        for _ in 0..<80 where !closed {
            try await Task.sleep(for: .milliseconds(100))
            closed = try await server.request("/healthz").0 == 503
        }
        #expect(closed, "the server did not fail closed after the cache lifetime")
        #expect(try await append("after the lifetime").0 == 503)
        #expect(try await server.request("/v1/ledger/entries/\(id)", token: token).0 == 503)

        kill(vault, SIGCONT)
        var back = false
        for _ in 0..<80 where !back {
            try await Task.sleep(for: .milliseconds(100))
            let health = try await server.request("/healthz")
            back = health.0 == 200 && health.1["root"] as? String == "ok"
        }
        #expect(back, "the server did not recover when the provider came back")
        #expect(try await append("after").0 == 201)
        #expect(try await server.request("/v1/ledger/entries/\(id)", token: token).0 == 200)
        #expect(try nodes.run("c", "ledger", "read", id).stdoutText == "before")
    }

    /// Calls the OpenBao test server as its root (to make and rotate a key of the test's own).
    static func vault(_ method: String, _ path: String) async throws -> Int {
        let environment = ProcessInfo.processInfo.environment
        let address = try #require(environment["ACTORKEYS_TEST_VAULT_ADDR"], "run through scripts/with-openbao")
        var request = URLRequest(url: URL(string: address + path)!)
        request.httpMethod = method
        request.setValue(environment["ACTORKEYS_TEST_VAULT_TOKEN"], forHTTPHeaderField: "X-Vault-Token")
        request.httpBody = Data("{}".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as! HTTPURLResponse).statusCode
    }

    @Test(
        "root rotate under a new Vault key version, root set through every provider and back, key export read by age(1)",
        arguments: TestBackend.allCases)
    func rootLifecycle(_ backend: TestBackend) async throws {
        // Every provider's credentials in every node's environment; the root starts in OpenBao,
        // on a Transit key of this test's own so that rotating it disturbs no other test.
        let key = "lifecycle-\(UInt32.random(in: 0...UInt32.max))"
        #expect([200, 204].contains(try await Self.vault("POST", "/v1/transit/keys/\(key)")))
        var credentials: [String: String] = [:]
        for provider in TestRootKey.remote { credentials.merge(try provider.credentials()) { $1 } }
        let nodes = try Nodes(backend, .vaultTransit)
        let start = nodes.rootURI.replacingOccurrences(of: "/transit/actorkeys", with: "/transit/\(key)")
        let initialized = try nodes.run("a", "init", "--root-key", start, "--json", extra: credentials)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(try nodes.run("a", "actor", "enroll", "alice", extra: credentials).status == 0)
        let id = try nodes.run(
            "a", "ledger", "append", "--actor", "alice", input: Array("kept".utf8), extra: credentials
        )
        .stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)

        #expect(try await Self.vault("POST", "/v1/transit/keys/\(key)/rotate") == 200)
        let rotated = try Self.json(try nodes.run("a", "root", "rotate", "--json", extra: credentials))
        #expect(rotated["previous_kek_version"] as? String == "1" && rotated["kek_version"] as? String == "2")
        #expect(try nodes.run("b", "ledger", "read", id, extra: credentials).stdoutText == "kept")

        var previous = start
        let local = "local:" + nodes.home("a") + "/keys/other-root.key"
        let chain =
            try [TestRootKey.awsKMS, .azureKeyVault, .pkcs11].map { try $0.uri(home: nodes.home("a")) } + [
                local, start,
            ]
        for uri in chain {
            let moved = try nodes.run("a", "root", "set", uri, "--json", extra: credentials)
            #expect(moved.status == 0, "\(uri): \(moved.stderr)")
            let report = try Self.json(moved)
            #expect(report["previous_uri"] as? String == previous)
            let read = try nodes.run("a", "ledger", "read", id, extra: credentials)
            #expect(read.stdoutText == "kept", "after moving to \(uri): \(read.stderr)")
            previous = try #require(report["uri"] as? String)  // the canonical form of `uri`
        }
        #expect(try nodes.run("a", "root", "set", start, extra: credentials).status == 4)
        #expect(try nodes.run("a", "root", "set", "vault-transit://host/transit", extra: credentials).status == 2)
        // Without the provider's credentials, a clear error naming what is missing.
        let bare = try nodes.run("c", "ledger", "read", id, extra: ["VAULT_TOKEN": ""])
        #expect(bare.status == 1 && bare.stderr.contains("auth_failed"), "\(bare.stderr)")

        let exported = nodes.directory.file("alice.key")
        #expect(try nodes.run("a", "key", "export", "--actor", "alice", "-o", exported).status == 0)
        #expect(nodes.directory.mode(of: exported) == 0o600)
        #expect(try nodes.run("a", "key", "export", "--actor", "alice", "-o", exported).status == 4)
        let store = try await LedgerStore.open(try DatabaseURL(nodes.databaseURL))
        let (_, record) = try #require(try await store.entry(try EntryID(id)))
        let wrapped = try #require(try await store.dataKey(id: try RecordEnvelope.dataKeyID(of: record))?.wrapped)
        let age = try #require(Tools.age, "\(Tools.missingAge)")
        let opened = try TestSupport.run(age, ["-d", "-i", exported], input: wrapped)
        // A wrapped data key's payload is its 16-byte id, then the 32-byte key.
        #expect(opened.status == 0 && opened.stdout.count == 48, "\(opened.stderr)")
        #expect(Array(opened.stdout.prefix(16)) == (try RecordEnvelope.dataKeyID(of: record)).bytes)
        let audit = try nodes.run("a", "audit", "list", "--json").stdoutText
        for event in ["admin.root.rotate.success", "admin.root.set.success", "admin.key.export.success"] {
            #expect(audit.contains(event), "no \(event)")
        }
    }

    @Test(
        "root set interrupted after its pending root key was recorded: run again, it resumes; another URI replaces it",
        arguments: TestBackend.allCases)
    func rootSetResumes(_ backend: TestBackend) async throws {
        let nodes = try Nodes(backend, .local)
        _ = try nodes.initialize()
        #expect(try nodes.run("a", "actor", "enroll", "alice").status == 0)
        let id = try nodes.run("a", "ledger", "append", "--actor", "alice", input: Array("kept".utf8)).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let store = try await LedgerStore.open(try DatabaseURL(nodes.databaseURL))
        // What a run cut off after its first step leaves: a pending root key with no wrapped form.
        let abandoned = "local:" + nodes.home("a") + "/keys/abandoned.key"
        let target = "local:" + nodes.home("a") + "/keys/target.key"
        _ = try await store.pendingRoot(uri: abandoned, provider: "local", kekID: "x", by: "tests")
        let pending = try await store.pendingRoot(uri: target, provider: "local", kekID: "x", by: "tests")
        #expect(try await store.rootKeys().filter { $0.state == .pending }.map(\.uri) == [target])
        let moved = try nodes.run("a", "root", "set", target, "--json")
        #expect(moved.status == 0, "\(moved.stderr)")
        let roots = try await store.rootKeys()
        #expect(roots.first { $0.state == .active }?.id == pending, "the pending row was resumed, not duplicated")
        #expect(roots.filter { $0.state == .pending }.isEmpty)
        #expect(try nodes.run("a", "ledger", "read", id).stdoutText == "kept")
    }

    @Test(
        "ten forced rotations at once from ten processes: every version has its sealed identity and every row reads",
        arguments: TestBackend.allCases)
    func concurrentForcedRotations(_ backend: TestBackend) async throws {
        let nodes = try Nodes(backend, .local)
        _ = try nodes.initialize()
        #expect(try nodes.run("a", "actor", "enroll", "alice").status == 0)
        let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for _ in 0..<10 {
                group.addTask { try nodes.run("a", "key", "rotate", "--actor", "alice", "--force") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        let store = try await LedgerStore.open(try DatabaseURL(nodes.databaseURL))
        let keyring = try await store.keyringOf(.actor(try ActorID("alice")))
        #expect(keyring.versions.count == 11)
        #expect(keyring.versions.allSatisfy { $0.sealed != nil })
        // Names stay in step with versions however the processes interleave.
        #expect(keyring.versions.allSatisfy { $0.name.rawValue == "v\($0.version)" }, "\(keyring.versions.map(\.name))")
        let status = try Self.json(try nodes.run("a", "status", "--json"))
        let alice = (status["owners"] as? [[String: Any]])?.first { $0["actor"] as? String == "alice" }
        #expect(alice?["active_identity_available"] as? Bool == true)
        let id = try nodes.run("a", "ledger", "append", "--actor", "alice", input: Array("after".utf8)).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try nodes.run("a", "ledger", "read", id).stdoutText == "after")
    }

    @Test(
        "a workspace made before sealed identities is sealed on first open: every row readable, its files erased",
        arguments: TestBackend.allCases)
    func legacyUpgrade(_ backend: TestBackend) async throws {
        let nodes = try Nodes(backend, .local)
        _ = try nodes.initialize()
        #expect(try nodes.run("a", "actor", "enroll", "alice").status == 0)
        #expect(try nodes.run("a", "key", "rotate", "--actor", "alice").status == 0)
        var ids: [String] = []
        for text in ["one", "two"] {
            ids.append(
                try nodes.run("a", "ledger", "append", "--actor", "alice", input: Array(text.utf8)).stdoutText
                    .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        try await LegacyWorkspace.make(from: nodes)
        #expect(FileManager.default.fileExists(atPath: nodes.home("a") + "/keys/actors/alice/v1.key"))

        // The first command seals the identities, verifies them, and erases the files.
        let first = try nodes.run("a", "ledger", "read", ids[0])
        #expect(first.stdoutText == "one", "\(first.stderr)")
        #expect(try nodes.run("a", "ledger", "read", ids[1]).stdoutText == "two")
        #expect(!FileManager.default.fileExists(atPath: nodes.home("a") + "/keys/actors/alice/v1.key"))
        #expect(!FileManager.default.fileExists(atPath: nodes.home("a") + "/keys/shared/primary.key"))
        let audit = try nodes.run("a", "audit", "list", "--json").stdoutText
        #expect(audit.contains("admin.root.upgrade.success"))
        #expect(audit.contains(#""identities_sealed":"3""#) || audit.contains(#"identities_sealed\":\"3"#))
    }
}

/// LegacyWorkspace turns a workspace into what one made before sealed identities looks like
/// after the schema migration: identity files under `<home>/keys` in the old layout, every
/// `actor_keys` row without a sealed identity, and no root of trust.
enum LegacyWorkspace {
    static func make(from nodes: Nodes) async throws {
        let workspace = try await Admin.Workspace.open(
            home: nodes.home("a"), database: try DatabaseURL(nodes.databaseURL))
        let files = KeyStore(directory: nodes.home("a") + "/keys")
        for owner in try await workspace.store.owners() {
            for version in try await workspace.store.keyringOf(owner).versions where version.state != .destroyed {
                let identity = try workspace.registry.sealer.unseal(version)
                try FilePath.makeDirectories(files.directory(for: owner))
                let writer = try AtomicFileWriter(
                    destination: files.identityPath(for: owner, name: version.name), mode: 0o600)
                try IdentityFile.format(identity).withUnsafeBytes { bytes throws(ActorKeysError) in
                    try writer.write(bytes)
                }
                try writer.commit(.refuse)
            }
        }
        _ = try await workspace.store.pool.transaction { connection throws(LedgerError) in
            try connection.execute("UPDATE actor_keys SET sealed_identity = NULL, sealing_key_id = NULL")
            try connection.execute("DELETE FROM sealing_key_wraps")
            try connection.execute("DELETE FROM sealing_keys")
            try connection.execute("DELETE FROM root_keys")
            try connection.execute("DELETE FROM workspace")
        }
        try FileManager.default.removeItem(atPath: nodes.home("a") + "/keys/root.key")
    }
}
