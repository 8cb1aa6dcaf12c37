import ActorKeys
import Admin
import Envelope
import Foundation
import Ledger
import Registry
import TestSupport
import Testing

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
        let again = try nodes.run("f", "init", "--root-key", nodes.rootURI)
        #expect(again.status == 4)
        #expect(again.stderr.contains("already holds an initialized workspace"))
        let log = server.stop()
        #expect(!log.contains(token) && !log.contains("AGE-SECRET-KEY"))
    }

    @Test(
        "root rotate, root set between providers, key export: every row stays readable and age(1) reads the export",
        arguments: TestBackend.allCases)
    func rootLifecycle(_ backend: TestBackend) async throws {
        let nodes = try Nodes(backend, .pkcs11)
        _ = try nodes.initialize()
        #expect(try nodes.run("a", "actor", "enroll", "alice").status == 0)
        let id = try nodes.run("a", "ledger", "append", "--actor", "alice", input: Array("kept".utf8)).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let rotated = try Self.json(try nodes.run("a", "root", "rotate", "--json"))
        #expect(rotated["sealing_keys"] as? Int == 1)
        let local = "local:" + nodes.home("a") + "/keys/other-root.key"
        let moved = try nodes.run("a", "root", "set", local, "--json")
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try Self.json(moved)["previous_uri"] as? String == nodes.rootURI)
        #expect(try nodes.run("a", "ledger", "read", id).stdoutText == "kept")
        let back = try nodes.run("a", "root", "set", nodes.rootURI)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try nodes.run("a", "ledger", "read", id).stdoutText == "kept")
        #expect(try nodes.run("a", "root", "set", nodes.rootURI).status == 4)
        #expect(try nodes.run("a", "root", "set", "vault-transit://host/transit").status == 2)

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
