import ActorKeys
import Envelope
import Foundation
import Ledger
import Synchronization
import TestSupport
import Testing

@testable import Registry

/// A real store that counts the data-key loads the registry asks for.
final class CountingStore: KeyMaterialStore {
    let base: LedgerStore
    let loads = Atomic<Int>(0)
    let keyrings = Atomic<Int>(0)

    init(_ base: LedgerStore) { self.base = base }

    func keyring(for owner: Owner) async throws(RegistryError) -> Keyring {
        keyrings.wrappingAdd(1, ordering: .relaxed)
        return try await base.keyring(for: owner)
    }
    func dataKey(id: DataKeyID) async throws(RegistryError) -> StoredDataKey? {
        loads.wrappingAdd(1, ordering: .relaxed)
        return try await base.dataKey(id: id)
    }
    func insertDataKey(_ key: StoredDataKey, claiming claim: Int) async throws(RegistryError) {
        try await base.insertDataKey(key, claiming: claim)
    }
    func claimRecords(
        of id: DataKeyID, count: Int, maxRecords: Int, createdAfter: Timestamp
    ) async throws(RegistryError) -> Bool {
        try await base.claimRecords(of: id, count: count, maxRecords: maxRecords, createdAfter: createdAfter)
    }
    func claimSealingKey(
        of owner: Owner, wrappedTo active: Fingerprint, count: Int, maxRecords: Int, createdAfter: Timestamp
    ) async throws(RegistryError) -> StoredDataKey? {
        try await base.claimSealingKey(
            of: owner, wrappedTo: active, count: count, maxRecords: maxRecords, createdAfter: createdAfter)
    }
    func replaceWrapping(
        of id: DataKeyID, expected: [Fingerprint], wrapped: [UInt8], fingerprints: [Fingerprint]
    ) async throws(RegistryError) -> Bool {
        try await base.replaceWrapping(of: id, expected: expected, wrapped: wrapped, fingerprints: fingerprints)
    }
    func keyChanges(since generation: Int64?) async throws(RegistryError) -> KeyChanges {
        try await base.keyChanges(since: generation)
    }
}

struct RegistryFixture {
    let directory = TemporaryDirectory()
    let url: DatabaseURL
    let store: LedgerStore
    /// The real sealing code with a sealing key of its own: the root of trust above it (the
    /// provider that wraps that key) is Admin's and tested there.
    let sealer = IdentitySealer()
    let alice = try! ActorID("alice")

    init(_ backend: TestBackend) async throws {
        url = try DatabaseURL(try backend.freshDatabaseURL(in: directory))
        store = try await LedgerStore.open(url)
        try await installSealingKey(store, into: sealer)
        try await store.insertActor(
            Actor(id: alice, keyPolicy: .auto, permissions: .none, createdAt: .now(), shreddedAt: nil))
        try await rotate(.actor(alice), to: "v1")
    }

    func registry(policy: DataKeyPolicy = .default, counting: CountingStore? = nil) -> EncryptorRegistry {
        EncryptorRegistry(store: counting ?? CountingStore(store), sealer: sealer, policy: policy)
    }

    @discardableResult
    func rotate(_ owner: Owner, to name: String, kind: AgeKeyKind = .x25519) async throws -> KeyVersion {
        let key = NewKeyVersion(owner: owner, name: try KeyName(name), identity: .generate(kind), sealer: sealer)
        return try await store.rotate(to: key).added
    }
}

/// Records a workspace's root rows (the provider's wrapped form is a placeholder: nothing here
/// unwraps it) and installs a fresh sealing key in `sealer`.
func installSealingKey(_ store: LedgerStore, into sealer: IdentitySealer) async throws {
    let root = try await store.createRoot(
        workspaceID: "ws_registry_tests", uri: "local:/nonexistent", provider: "local", kekID: "tests",
        kekVersion: "1", wrapped: [0], by: nil)
    let id = try #require(root.activeWrap?.sealingKeyID)
    sealer.install([id: .random(count: 32)], active: id, workspaceID: root.workspaceID)
}

@Suite("encryptor registry", .serialized)
struct RegistryTests {
    @Test("seals reuse the cached data key; opens hit the cache", arguments: TestBackend.allCases)
    func cacheHits(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let registry = fixture.registry()
        let owner = Owner.actor(fixture.alice)
        var records: [(String, [UInt8])] = []
        for index in 0..<20 {
            let entry = "entry-\(index)"
            records.append(
                (entry, try await registry.seal(Array("payload \(index)".utf8), owner: owner, entryID: entry).record))
        }
        #expect(try await fixture.store.dataKeys(of: owner).count == 1)
        for (index, (entry, record)) in records.enumerated() {
            #expect(try await registry.open(record, owner: owner, entryID: entry) == Array("payload \(index)".utf8))
        }
        #expect(registry.statistics.misses == 1)
        #expect(registry.statistics.hits == 39)
    }

    @Test(
        "a data key is replaced when it reaches its record limit, and the old one is closed",
        arguments: TestBackend.allCases)
    func recordLimit(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let registry = fixture.registry(policy: DataKeyPolicy(maxRecords: 3))
        let owner = Owner.actor(fixture.alice)
        var used: Set<DataKeyID> = []
        for index in 0..<7 {
            used.insert(try await registry.seal([1], owner: owner, entryID: "e\(index)").dataKey)
        }
        #expect(used.count == 3)
        let stored = try await fixture.store.dataKeys(of: owner)
        #expect(stored.filter { $0.state == .closed }.count == 2)
        #expect(stored.filter { $0.state == .sealing }.count == 1)
    }

    @Test(
        "processes share the owner's sealing key, and its record budget is counted across them",
        arguments: TestBackend.allCases)
    func sharedSealingKey(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let owner = Owner.actor(fixture.alice)
        let policy = DataKeyPolicy(maxRecords: 10)
        let (first, second) = (fixture.registry(policy: policy), fixture.registry(policy: policy))
        let a = try await first.seal([1], owner: owner, entryID: "a0")
        let b = try await second.seal([2], owner: owner, entryID: "b0")
        #expect(a.dataKey == b.dataKey, "the second process adopted the first one's key")
        var sealed: [(String, [UInt8], DataKeyID)] = [("a0", a.record, a.dataKey), ("b0", b.record, b.dataKey)]
        for index in 1..<20 {
            for (name, registry) in [("a", first), ("b", second)] {
                let entry = "\(name)\(index)"
                let record = try await registry.seal([UInt8(index)], owner: owner, entryID: entry)
                sealed.append((entry, record.record, record.dataKey))
            }
        }
        let perKey = Dictionary(grouping: sealed, by: \.2).mapValues(\.count)
        #expect(perKey.values.allSatisfy { $0 <= 10 }, "\(perKey.values.sorted())")
        #expect(perKey.count >= 4 && perKey.count <= 8, "\(perKey.count) data keys for 40 records of 10 each")
        let stored = try await fixture.store.dataKeys(of: owner)
        #expect(stored.count == perKey.count)
        #expect(stored.filter { $0.state == .sealing }.count == 1)
        // A third process opens everything.
        let reader = fixture.registry(policy: policy)
        for (entry, record, _) in sealed {
            #expect(try await reader.open(record, owner: owner, entryID: entry).count == 1)
        }
    }

    @Test("batches fill each data key to its record limit exactly, claims and all", arguments: TestBackend.allCases)
    func claimsFillKeys(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let owner = Owner.actor(fixture.alice)
        let registry = fixture.registry(policy: DataKeyPolicy(maxRecords: 100))
        var used: [DataKeyID: Int] = [:]
        for batch in 0..<30 {
            let sealed = try await registry.seal(
                (0..<10).map { [UInt8($0)] }, owner: owner, entryIDs: (0..<10).map { "b\(batch)-\($0)" })
            for record in sealed { used[record.dataKey, default: 0] += 1 }
        }
        #expect(used.count == 3 && used.values.allSatisfy { $0 == 100 }, "\(used.values.sorted())")
        let claimed = try await fixture.store.pool.read { connection throws(LedgerError) in
            var records: [Int] = []
            for row in try connection.query("SELECT records FROM data_keys", []) { records.append(try row.int(0)) }
            return records
        }
        #expect(claimed.sorted() == [100, 100, 100])
    }

    @Test(
        "a key older than its age limit is not adopted: the next process mints and closes it",
        arguments: TestBackend.allCases)
    func ageLimitAcrossProcesses(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let owner = Owner.actor(fixture.alice)
        // Long enough that the key minted next is still young for the third process, even on a
        // loaded machine; the first one has outlived it.
        let policy = DataKeyPolicy(maxAge: .milliseconds(1500))
        let old = try await fixture.registry(policy: policy).seal([1], owner: owner, entryID: "old")
        try await Task.sleep(for: .milliseconds(1600))
        let later = fixture.registry(policy: policy)
        let new = try await later.seal([2], owner: owner, entryID: "new")
        #expect(new.dataKey != old.dataKey)
        let stored = try await fixture.store.dataKeys(of: owner)
        #expect(stored.first { $0.id == old.dataKey }?.state == .closed)
        #expect(stored.first { $0.id == new.dataKey }?.state == .sealing)
        // A young key is adopted by a process started a moment later.
        #expect(
            try await fixture.registry(policy: policy).seal([3], owner: owner, entryID: "next").dataKey == new.dataKey)
    }

    @Test(
        "a batch seal draws distinct nonces, spans data keys at the record limit, and each record opens alone",
        arguments: TestBackend.allCases)
    func batchSeal(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let registry = fixture.registry(policy: DataKeyPolicy(maxRecords: 4))
        let owner = Owner.actor(fixture.alice)
        _ = try await registry.seal([0], owner: owner, entryID: "first")  // one of the first key's four used
        let plaintexts = (0..<10).map { [UInt8](repeating: UInt8($0), count: $0 * 7) }
        let entryIDs = (0..<10).map { "batch-\($0)" }
        let sealed = try await registry.seal(plaintexts, owner: owner, entryIDs: entryIDs)
        #expect(sealed.count == 10)
        // Records 24 bytes in: the nonces. Each is fresh.
        #expect(Set(sealed.map { Array($0.record[17..<41]) }).count == 10)
        // Four records a key at most: the batch needed three fresh keys after the first.
        #expect(Set(sealed.map(\.dataKey)).count == 3)
        #expect(try await fixture.store.dataKeys(of: owner).count == 4)
        for index in 0..<10 {
            #expect(
                try await registry.open(sealed[index].record, owner: owner, entryID: entryIDs[index])
                    == plaintexts[index])
            // Bound to its own entry: not another's.
            await #expect(throws: RegistryError.self) {
                try await registry.open(sealed[index].record, owner: owner, entryID: entryIDs[(index + 1) % 10])
            }
        }
        #expect(try await registry.seal([], owner: owner, entryIDs: []).isEmpty)
    }

    @Test(
        "openIfCached opens a record only when its data key is cached, never loading it",
        arguments: TestBackend.allCases)
    func openIfCached(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let counting = CountingStore(fixture.store)
        let registry = fixture.registry(counting: counting)
        let owner = Owner.actor(fixture.alice)
        let record = try await registry.seal(Array("cached".utf8), owner: owner, entryID: "e1").record
        let open = { () throws(RegistryError) -> [UInt8]? in
            try record.withUnsafeBytes { raw in
                Result { () throws(RegistryError) in try registry.openIfCached(raw, owner: owner, entryID: "e1") }
            }.get()
        }
        #expect(try open() == Array("cached".utf8))
        registry.evict(owner)
        #expect(try open() == nil)
        #expect(counting.loads.load(ordering: .relaxed) == 0)
        _ = try await registry.open(record, owner: owner, entryID: "e1")
        #expect(try open() == Array("cached".utf8))
        // A truncated record or another entry's context is an error, not a nil.
        #expect(throws: RegistryError.self) {
            try record.prefix(20).withUnsafeBytes { raw in
                Result { () throws(RegistryError) in try registry.openIfCached(raw, owner: owner, entryID: "e1") }
            }.get()
        }
        #expect(throws: RegistryError.self) {
            try record.withUnsafeBytes { raw in
                Result { () throws(RegistryError) in try registry.openIfCached(raw, owner: owner, entryID: "e2") }
            }.get()
        }
    }

    @Test(
        "a cold miss unseals only the identity it needs; a sealed identity moved to another row or a closed sealer unwraps nothing and says so",
        arguments: TestBackend.allCases)
    func coldMissIdentities(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let registry = fixture.registry()
        let owner = Owner.actor(fixture.alice)
        let record = try await registry.seal(Array("under v1".utf8), owner: owner, entryID: "e1").record
        try await fixture.rotate(owner, to: "v2")
        registry.evict(owner)
        // Wrapped to v1 and v2 during the overlap.
        let sealedBoth = try await registry.seal(Array("under both".utf8), owner: owner, entryID: "e2").record
        func setSealed(version: Int, to sql: String) async throws {
            _ = try await fixture.store.pool.write { connection throws(LedgerError) in
                try connection.execute(
                    "UPDATE actor_keys SET sealed_identity = \(sql) WHERE actor_id = 'alice' AND version = $1",
                    .int(version))
            }
            registry.evict(owner)
        }
        let original = try #require(try await fixture.store.keyringOf(owner).versions.first { $0.version == 1 }?.sealed)
        // v2's sealed identity copied into v1's row: bound to v2, it does not open as v1.
        try await setSealed(
            version: 1, to: "(SELECT sealed_identity FROM actor_keys WHERE actor_id = 'alice' AND version = 2)")
        #expect(try await registry.open(sealedBoth, owner: owner, entryID: "e2") == Array("under both".utf8))
        let moved = await #expect(throws: RegistryError.self) {
            try await registry.open(record, owner: owner, entryID: "e1")
        }
        #expect(moved?.code == .identityUnavailable)
        #expect(moved?.message.contains("does not open") == true)
        // Its own sealed identity back: it opens again.
        _ = try await fixture.store.pool.write { connection throws(LedgerError) in
            try connection.execute(
                "UPDATE actor_keys SET sealed_identity = $1 WHERE actor_id = 'alice' AND version = 1",
                .blob(original.box))
        }
        registry.evict(owner)
        #expect(try await registry.open(record, owner: owner, entryID: "e1") == Array("under v1".utf8))
        // A closed sealer (the root key unreachable past its lifetime): a clear error, nothing opens.
        fixture.sealer.close(reason: "failing closed: tests")
        registry.evictAll()
        let closed = await #expect(throws: RegistryError.self) {
            try await registry.open(record, owner: owner, entryID: "e1")
        }
        #expect(closed?.code == .rootKeyUnavailable)
    }

    @Test("concurrent misses load once: one data key minted, one load per data key", arguments: TestBackend.allCases)
    func singleFlight(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let owner = Owner.actor(fixture.alice)
        let writer = fixture.registry()
        let sealed = try await withThrowingTaskGroup(of: (String, [UInt8]).self) { group in
            for index in 0..<40 {
                group.addTask {
                    ("e\(index)", try await writer.seal([UInt8(index)], owner: owner, entryID: "e\(index)").record)
                }
            }
            return try await group.reduce(into: [(String, [UInt8])]()) { $0.append($1) }
        }
        #expect(try await fixture.store.dataKeys(of: owner).count == 1)

        let counting = CountingStore(fixture.store)
        let reader = fixture.registry(counting: counting)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (entry, record) in sealed {
                group.addTask { _ = try await reader.open(record, owner: owner, entryID: entry) }
            }
            try await group.waitForAll()
        }
        #expect(counting.loads.load(ordering: .relaxed) == 1)
    }

    @Test(
        "evict on rotate: the next seal uses a data key wrapped to the new version, old records still open",
        arguments: TestBackend.allCases)
    func evictOnRotate(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let registry = fixture.registry()
        let owner = Owner.actor(fixture.alice)
        let before = try await registry.seal([1], owner: owner, entryID: "before")
        let v2 = try await fixture.rotate(owner, to: "v2")
        registry.evict(owner)
        let after = try await registry.seal([2], owner: owner, entryID: "after")
        #expect(after.dataKey != before.dataKey)
        let wrapped = try #require(try await fixture.store.dataKey(id: after.dataKey))
        #expect(wrapped.fingerprints.first == v2.fingerprint)
        #expect(wrapped.fingerprints.count == 2)  // the overlap: the previous version too
        #expect(try await registry.open(before.record, owner: owner, entryID: "before") == [1])
        #expect(try await registry.open(after.record, owner: owner, entryID: "after") == [2])
    }

    @Test(
        "two registries on one database: a rotation in one is sealed under by the other within a second",
        arguments: TestBackend.allCases)
    func crossProcess(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let otherStore = try await LedgerStore.open(fixture.url)
        let other = EncryptorRegistry(store: otherStore, sealer: fixture.sealer)
        let watcher = Task { await other.watch(every: .milliseconds(100), wakeUps: otherStore.keyChangeSignals) }
        defer { watcher.cancel() }
        let owner = Owner.actor(fixture.alice)
        _ = try await other.seal([0], owner: owner, entryID: "warm")
        try await Task.sleep(for: .milliseconds(150))
        let v2 = try await fixture.rotate(owner, to: "v2")
        let deadline = ContinuousClock.now + .seconds(1)
        var switched = false
        while ContinuousClock.now < deadline {
            let sealed = try await other.seal([1], owner: owner, entryID: "probe")
            if try await otherStore.dataKey(id: sealed.dataKey)?.fingerprints.first == v2.fingerprint {
                switched = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(switched, "the second registry still sealed under the old key after a second")
    }

    @Test(
        "records bound to another owner or entry, and unknown data keys, are refused", arguments: TestBackend.allCases)
    func refusals(_ backend: TestBackend) async throws {
        let fixture = try await RegistryFixture(backend)
        let registry = fixture.registry()
        let owner = Owner.actor(fixture.alice)
        let sealed = try await registry.seal([1, 2, 3], owner: owner, entryID: "e1")
        let otherEntry = await #expect(throws: RegistryError.self) {
            try await registry.open(sealed.record, owner: owner, entryID: "e2")
        }
        #expect(otherEntry?.code == .malformedRecord)
        let otherOwner = await #expect(throws: RegistryError.self) {
            try await registry.open(sealed.record, owner: .shared, entryID: "e1")
        }
        #expect(otherOwner?.code == .wrongOwner)
        let unknown = try RecordEnvelope.seal(
            [1], with: DataKey.generate(), context: try RecordContext(owner: owner, entryID: "e1"))
        let missing = await #expect(throws: RegistryError.self) {
            try await registry.open(unknown, owner: owner, entryID: "e1")
        }
        #expect(missing?.code == .unknownDataKey)
        let noKey = await #expect(throws: RegistryError.self) {
            try await registry.seal([1], owner: .shared, entryID: "e1")
        }
        #expect(noKey?.code == .noActiveKey)
    }
}
