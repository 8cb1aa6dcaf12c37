import ActorKeys
import Envelope
import Registry
import TestSupport
import Testing

@testable import Ledger

/// A store, a sealer and a ledger on a fresh database of one backend.
struct Fixture {
    let directory = TemporaryDirectory()
    let store: LedgerStore
    /// The real sealing code with a sealing key of its own (the root of trust is Admin's).
    let sealer = IdentitySealer()
    let registry: EncryptorRegistry
    let ledger: EncryptedLedger

    init(_ backend: TestBackend, policy: DataKeyPolicy = .default) async throws {
        store = try await LedgerStore.open(DatabaseURL(try backend.freshDatabaseURL(in: directory)))
        let root = try await store.createRoot(
            workspaceID: "ws_ledger_tests", uri: "local:/nonexistent", provider: "local", kekID: "tests",
            kekVersion: "1", wrapped: [0], by: nil)
        let sealingKey = try #require(root.activeWrap?.sealingKeyID)
        sealer.install([sealingKey: .random(count: 32)], active: sealingKey, workspaceID: root.workspaceID)
        registry = EncryptorRegistry(store: store, sealer: sealer, policy: policy)
        ledger = EncryptedLedger(store: store, registry: registry)
    }

    /// Enrols an actor, with a key when `keyed`.
    @discardableResult
    func actor(_ name: String, keyed: Bool) async throws -> ActorID {
        let id = try ActorID(name)
        try await store.insertActor(
            Actor(id: id, keyPolicy: keyed ? .auto : .optIn, permissions: .none, createdAt: .now(), shreddedAt: nil))
        if keyed { try await addKey(.actor(id), name: "v1") }
        return id
    }

    func addKey(_ owner: Owner, name: String, kind: AgeKeyKind = .x25519) async throws {
        let key = NewKeyVersion(owner: owner, name: try KeyName(name), identity: .generate(kind), sealer: sealer)
        _ = try await store.addActiveVersion(key)
        registry.evict(owner)
    }

    func entry(_ actor: ActorID, _ text: String, encrypt: Bool = true) throws -> NewEntry {
        try NewEntry(actor: actor, kind: "prompt", payload: Array(text.utf8), encrypt: encrypt)
    }
}

@Suite("ledger storage and reads", .serialized)
struct LedgerTests {
    @Test("migrations run once, are recorded, and re-running them changes nothing", arguments: TestBackend.allCases)
    func migrations(_ backend: TestBackend) async throws {
        let directory = TemporaryDirectory()
        let url = try DatabaseURL(try backend.freshDatabaseURL(in: directory))
        let first = try await LedgerStore.open(url)
        let second = try await LedgerStore.open(url)
        let versions = try await second.pool.read { connection throws(LedgerError) in
            try connection.query("SELECT version, name FROM schema_migrations ORDER BY version").map {
                row throws(LedgerError) in try row.int(0)
            }
        }
        #expect(versions == Migrations.all.map(\.version))
        let again = try await first.pool.write { connection throws(LedgerError) in try Migrations.run(on: connection) }
        #expect(again.isEmpty)
        // The contract's tables exist.
        for table in [
            "actors", "actor_keys", "data_keys", "ledger_entries", "audit_events", "api_tokens", "schema_migrations",
        ] {
            let count = try await first.pool.read { connection throws(LedgerError) in
                try connection.query("SELECT count(*) FROM \(table)")[0].int(0)
            }
            #expect(count >= 0)
        }
    }

    @Test("a mixed ledger reads back: plaintext, shared-key and per-actor rows", arguments: TestBackend.allCases)
    func mixedLedger(_ backend: TestBackend) async throws {
        let fixture = try await Fixture(backend)
        try await fixture.addKey(.shared, name: "primary")
        let alice = try await fixture.actor("alice", keyed: true)
        let bob = try await fixture.actor("bob", keyed: false)
        let ids = try await fixture.ledger.append([
            try fixture.entry(alice, "alice's secret"),
            try fixture.entry(bob, "bob under the shared key"),
            try fixture.entry(alice, "alice in the clear", encrypt: false),
        ])
        #expect(try await fixture.ledger.read(ids[0]).payload == Array("alice's secret".utf8))
        #expect(try await fixture.ledger.read(ids[1]).payload == Array("bob under the shared key".utf8))
        #expect(try await fixture.ledger.read(ids[2]).payload == Array("alice in the clear".utf8))
        #expect(try await fixture.ledger.read(ids[0]).entry.protection == .actor(alice))
        #expect(try await fixture.ledger.read(ids[1]).entry.protection == .shared)
        #expect(try await fixture.ledger.read(ids[2]).entry.protection == .plaintext)

        // In the table: prompt_encryption_actor_id is NULL exactly for the shared-key row, and
        // no encrypted payload contains its plaintext.
        let rows = try await fixture.store.pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT id, protection, prompt_encryption_actor_id, payload FROM ledger_entries ORDER BY seq")
        }
        #expect(try rows.map { row throws(LedgerError) in try row.optionalString(2) } == ["alice", nil, "alice"])
        #expect(
            try rows.map { row throws(LedgerError) in try row.string(1) } == ["encrypted", "encrypted", "plaintext"])
        #expect(try !rows[0].blob(3).contains(Array("secret".utf8)))
    }

    @Test("unknown actors, unknown entries and bad input are refused", arguments: TestBackend.allCases)
    func refusals(_ backend: TestBackend) async throws {
        let fixture = try await Fixture(backend)
        try await fixture.addKey(.shared, name: "primary")
        let unknown = try ActorID("nobody")
        let error = await #expect(throws: LedgerError.self) {
            try await fixture.ledger.append(try fixture.entry(unknown, "x"))
        }
        #expect(error?.code == .notFound)
        let missing = await #expect(throws: LedgerError.self) { try await fixture.ledger.read(EntryID.generate()) }
        #expect(missing?.code == .notFound)
        #expect(throws: LedgerError.self) { try NewEntry(actor: unknown, kind: "", payload: []) }
        #expect(throws: LedgerError.self) { try NewEntry(actor: unknown, kind: "a b", payload: []) }
        #expect(throws: LedgerError.self) { try NewEntry(actor: unknown, kind: "k", payload: [0xFF, 0xFE]) }
        #expect(throws: LedgerError.self) { try EntryID("not-an-id") }
        #expect(throws: LedgerError.self) { try EntryID("8ZZZZZZZZZZZZZZZZZZZZZZZZZ") }
    }

    @Test("entry ids are ULIDs that sort by time")
    func entryIDs() throws {
        let early = EntryID.generate(at: Timestamp(millisecondsSinceEpoch: 1_000))
        let late = EntryID.generate(at: Timestamp(millisecondsSinceEpoch: 2_000))
        #expect(early < late)
        #expect(early.rawValue.count == 26)
        #expect(try EntryID(early.rawValue.lowercased()) == early)
        #expect(try EntryID(early.rawValue.lowercased()).rawValue == early.rawValue)
        #expect(Set((0..<1000).map { _ in EntryID.generate() }).count == 1000)
        let batch = EntryID.generate(count: 1000, at: Timestamp(millisecondsSinceEpoch: 3_000))
        #expect(Set(batch).count == 1000)
        #expect(batch.allSatisfy { $0 > late && $0.rawValue.hasPrefix(batch[0].rawValue.prefix(10)) })
        for text in [
            "", "01JD7Y8Q2W3E4R5T6Y7U8I9O0P", "01JD7Y8Q2W3E4R5T6Y7U8V9W0", "01JD7Y8Q2W3E4R5T6Y7U8V9W0XX",
            "01JD7Y8Q2W3E4R5T6Y7U8V9W0é",
        ] {
            #expect(throws: LedgerError.self) { try EntryID(text) }
        }
    }

    @Test(
        "a batch read returns every state in order, and a missing or unreadable row fails alone",
        arguments: TestBackend.allCases)
    func batchRead(_ backend: TestBackend) async throws {
        let fixture = try await Fixture(backend)
        try await fixture.addKey(.shared, name: "primary")
        let alice = try await fixture.actor("alice", keyed: true)
        let bob = try await fixture.actor("bob", keyed: false)
        var ids = try await fixture.ledger.append([
            try fixture.entry(alice, "alice under v1"),
            try fixture.entry(bob, "bob under the shared key"),
            try fixture.entry(alice, "alice in the clear", encrypt: false),
            try NewEntry(actor: alice, kind: "empty", payload: [], format: .binary),
            try NewEntry(actor: alice, kind: "unicode/text", payload: Array("¿qué? 🗝".utf8)),
        ])
        try await fixture.addKey(.actor(alice), name: "v2")
        ids += try await fixture.ledger.append([try fixture.entry(alice, "alice under v2")])
        let missing = EntryID.generate()
        // A fresh registry: every data key is a miss, opened after the fetch.
        let cold = EncryptedLedger(
            store: fixture.store, registry: EncryptorRegistry(store: fixture.store, sealer: fixture.sealer))
        for ledger in [cold, cold, fixture.ledger] {
            let results = try await ledger.read(ids + [missing, ids[0]])
            let payloads = results.map { try? $0.get().payload }
            #expect(
                payloads == [
                    Array("alice under v1".utf8), Array("bob under the shared key".utf8),
                    Array("alice in the clear".utf8), [],
                    Array("¿qué? 🗝".utf8), Array("alice under v2".utf8), nil, Array("alice under v1".utf8),
                ])
            #expect(results.compactMap { try? $0.get().entry.id } == ids + [ids[0]])
            #expect((try? results[4].get().entry.kind) == "unicode/text")
            guard case .failure(let error) = results[6] else {
                Issue.record("a missing id must fail")
                continue
            }
            #expect(error.code == .notFound)
        }
        #expect(try await fixture.ledger.read([]).isEmpty)

        // A row altered in the database fails on its own; the others still read.
        let altered = ids[1]
        _ = try await fixture.store.pool.write { connection throws(LedgerError) in
            try connection.execute(
                "UPDATE ledger_entries SET payload = $1 WHERE id = $2", .blob(Array(repeating: 1, count: 80)),
                .text(altered.rawValue))
        }
        let results = try await fixture.ledger.read(ids)
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true, true, true, true])
        guard case .failure(let error) = results[1] else { return }
        #expect(error.code == .corrupt)
    }

    @Test(
        "a batch insert that fails stores none of its rows and leaves the connection usable",
        arguments: TestBackend.allCases)
    func failedBatchInsert(_ backend: TestBackend) async throws {
        let fixture = try await Fixture(backend)
        let alice = try await fixture.actor("alice", keyed: true)
        let id = try await fixture.ledger.append(try fixture.entry(alice, "first"))
        let now = Timestamp.now()
        let fresh = EntryID.generate()
        // The second row repeats an existing id: the whole batch is refused as a conflict.
        let batch = [fresh, id].map { id in
            StoredEntry(
                id: id, actor: alice, kind: "k", createdAt: now, protection: .plaintext, dataKey: nil, format: .binary,
                payload: [1, 2, 3])
        }
        let error = await #expect(throws: LedgerError.self) { try await fixture.store.insert(batch) }
        #expect(error?.code == .conflict)
        #expect(try await fixture.store.entry(fresh) == nil)
        // The writer connection is out of the failed COPY or transaction and works on.
        let next = try await fixture.ledger.append(try fixture.entry(alice, "after"))
        #expect(try await fixture.ledger.read(next).payload == Array("after".utf8))
    }

    @Test("more ids than one statement holds read back in order, repeats included", arguments: TestBackend.allCases)
    func largeBatchRead(_ backend: TestBackend) async throws {
        let fixture = try await Fixture(backend)
        let alice = try await fixture.actor("alice", keyed: true)
        let ids = try await fixture.ledger.append(
            (0..<600).map { index in try fixture.entry(alice, "row \(index)", encrypt: index % 3 != 0) })
        let wanted = ids.reversed() + ids.prefix(7)
        let results = try await fixture.ledger.read(Array(wanted))
        #expect(results.count == wanted.count)
        for (id, result) in zip(wanted, results) {
            let index = ids.firstIndex(of: id)!
            #expect(try result.get().payload == Array("row \(index)".utf8))
        }
    }

    @Test(
        "point reads outnumbering the connections all complete, during writes, with the right rows",
        arguments: TestBackend.allCases)
    func pointReadsUnderLoad(_ backend: TestBackend) async throws {
        let fixture = try await Fixture(backend)
        let alice = try await fixture.actor("alice", keyed: true)
        let ids = try await fixture.ledger.append((0..<40).map { index in try fixture.entry(alice, "row \(index)") })
        let stored = try await fixture.store.entries(ids)
        // Some point reads run where they were called and some wait for a connection; a writer
        // appends all the while.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<20 { _ = try await fixture.ledger.append(try fixture.entry(alice, "more \(index)")) }
            }
            for (index, id) in ids.enumerated() {
                group.addTask {
                    let dataKey = try #require(stored[index]?.0.dataKey)
                    let found = try #require(try await fixture.store.dataKeyAndKeyring(id: dataKey))
                    #expect(found.0.id == dataKey)
                    #expect(found.1.owner == .actor(alice))
                    #expect(try await fixture.ledger.read(id).payload == Array("row \(index)".utf8))
                }
            }
            try await group.waitForAll()
        }
        let nowhere = [UInt8](repeating: 9, count: DataKeyID.byteCount).withUnsafeBytes { DataKeyID(bytes: $0) }
        #expect(try await fixture.store.dataKeyAndKeyring(id: nowhere)?.0 == nil)
    }
}
