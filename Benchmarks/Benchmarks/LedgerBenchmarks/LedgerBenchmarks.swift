import ActorKeys
import Admin
import Benchmark
import BenchmarkSupport
import CBaselines
import Envelope
import Ledger
import Registry

// The ledger on both backends, each next to the raw C way of doing the same job on the same
// server: appending 1 KiB rows in batches of 1000, reading a mixed ledger by id, the registry's
// cold miss, and a rewrap whose cost must not depend on the number of rows.

let benchmarks: @Sendable () -> Void = {
    precondition(baseline_init() == 0)
    for backend in Backend.available {
        appendBenchmarks(backend)
        readBenchmarks(backend)
        coldMissBenchmark(backend)
        postQuantumColdMissBenchmarks(backend)
        ratioBenchmarks(backend)
        sealedIdentityBenchmarks(backend)
    }
    rewrapBenchmarks()
}

/// What a ledger ratio benchmark's two sides share.
final class LedgerState: @unchecked Sendable {
    var fixture: LedgerFixture?
    var raw: RawStore?
    var entries: [NewEntry] = []
    var ids: [EntryID] = []
    var next = 0
    var dataKey = ""
    var record: [UInt8] = []
    var wrapped: [UInt8] = []
    var identity: AgeIdentity?
    var dataKeyID: DataKeyID?
}

/// Append, read and cold miss against their raw baselines, alternately in one process.
func ratioBenchmarks(_ backend: Backend) {
    let append = LedgerState()
    Ratio.benchmark(
        "ratio append 1000x1KiB \(backend)", operations: 1, rounds: 60, seconds: 6,
        setup: {
            let made = try await LedgerFixture.make(backend, label: "ratio-append")
            append.fixture = made
            try await made.enroll(["alice"])
            let alice = try ActorID("alice")
            let id = try await made.ledger.append(try NewEntry(actor: alice, kind: "prompt", payload: rowPayload))
            let (entry, record) = try await made.workspace.store.entry(id)!
            (append.dataKey, append.record) = (entry.dataKey!.hex, record)
            append.entries = try (0..<batch).map { _ in try NewEntry(actor: alice, kind: "prompt", payload: rowPayload)
            }
            let raw = try RawStore(backend, made.rawDatabase)
            try raw.mirrorEntries(create: true)
            append.raw = raw
        },
        teardown: {
            append.raw = nil
            append.fixture?.close()
        },
        ours: {
            blackHole(try await append.fixture!.ledger.append(append.entries))
        },
        baseline: {
            try append.raw!.insertEntries(
                first: append.next, count: batch, actor: "alice", dataKey: append.dataKey, payload: append.record)
            append.next += batch
        })

    let read = LedgerState()
    Ratio.benchmark(
        "ratio read 1000 mixed \(backend)", operations: 1, rounds: 100, seconds: 6,
        setup: {
            let made = try await LedgerFixture.make(backend, label: "ratio-read")
            read.fixture = made
            read.ids = try await mixedLedger(made).wanted
            let raw = try RawStore(backend, made.rawDatabase)
            try raw.mirrorEntries(create: true)
            read.raw = raw
        },
        teardown: {
            read.raw = nil
            read.fixture?.close()
        },
        ours: {
            let results = try await read.fixture!.ledger.read(read.ids)
            precondition(results.allSatisfy { (try? $0.get()) != nil })
        },
        baseline: {
            let found = read.raw!.selectEntries(read.ids.map(\.rawValue))
            precondition(found == batch)
        })

    let miss = LedgerState()
    Ratio.benchmark(
        "ratio registry cold miss \(backend) vs unwrap", operations: 20, rounds: 200, seconds: 4,
        setup: {
            let made = try await miss.coldMiss(backend, label: "ratio-miss")
            miss.wrapped = try await made.workspace.store.dataKey(id: miss.dataKeyID!)!.wrapped!
            let version = try await made.workspace.store.keyringOf(.actor(try ActorID("alice"))).active!
            miss.identity = try made.workspace.registry.sealer.unseal(version)
        },
        teardown: {
            miss.fixture?.close()
        },
        ours: {
            let registry = miss.fixture!.workspace.registry
            let owner = Owner.actor(try ActorID("alice"))
            registry.evict(owner)
            blackHole(try await registry.open(miss.record, owner: owner, entryID: miss.ids[0].rawValue))
        },
        baseline: {
            blackHole(try DataKey.unwrap(miss.wrapped, expectedID: miss.dataKeyID!, with: [miss.identity!]))
        })
}

let batch = 1000
let rowPayload = Sizes.payload(1024)

func configuration(maxIterations: Int = 300, seconds: Int = 3) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds,
        warmupIterations: 3, maxDuration: .seconds(seconds), maxIterations: maxIterations)
}

func appendBenchmarks(_ backend: Backend) {
    let fixture = Box<LedgerFixture>()
    let sealed = Box<(dataKey: String, record: [UInt8])>()
    let rawStore = Box<RawStore>()
    let setup: @Sendable () async throws -> Void = {
        let made = try await LedgerFixture.make(backend, label: "append")
        fixture.value = made
        try await made.enroll(["alice"])
        // The first entry mints alice's data key: the measured appends use it, and the raw
        // baseline writes rows that name it.
        let id = try await made.ledger.append(
            try NewEntry(actor: try ActorID("alice"), kind: "prompt", payload: rowPayload))
        let (entry, record) = try await made.workspace.store.entry(id)!
        sealed.value = (entry.dataKey!.hex, record)
        // One connection for every sample, as the ledger keeps its own: a connection opened
        // per sample starts with a cold page cache and would flatter the ratio.
        let raw = try RawStore(backend, made.rawDatabase)
        try raw.mirrorEntries(create: true)
        rawStore.value = raw
    }
    let teardown: @Sendable () async throws -> Void = {
        rawStore.value = nil
        fixture.value?.close()
    }

    Benchmark(
        "append 1000x1KiB \(backend)", configuration: configuration(),
        closure: { benchmark in
            let ledger = fixture.unwrapped.ledger
            let alice = try ActorID("alice")
            let entries = try (0..<batch).map { _ in try NewEntry(actor: alice, kind: "prompt", payload: rowPayload) }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try await ledger.append(entries)) }
            benchmark.stopMeasurement()
        }, setup: setup, teardown: teardown)

    // The closure runs for the warm-up and again for each sample: keys go on from where the
    // last run stopped.
    let next = Box<Int>()
    Benchmark(
        "append 1000x1KiB \(backend) raw C", configuration: configuration(),
        closure: { benchmark in
            let raw = rawStore.unwrapped
            let (dataKey, record) = sealed.unwrapped
            var first = next.value ?? 0
            defer { next.value = first }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try raw.insertEntries(first: first, count: batch, actor: "alice", dataKey: dataKey, payload: record)
                first += batch
            }
            benchmark.stopMeasurement()
        }, setup: setup, teardown: teardown)

    Benchmark(
        "append 1000x1KiB \(backend) raw C plain table", configuration: configuration(),
        closure: { benchmark in
            let raw = rawStore.unwrapped
            var first = next.value ?? 0
            defer { next.value = first }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try raw.insertPlain(first: first, count: batch)
                first += batch
            }
            benchmark.stopMeasurement()
        }, setup: setup, teardown: teardown)
}

/// Rows of every protection state: plaintext, shared key (an opt-in actor), an actor's current
/// key, and the same actor's previous key version (sealed before a rotation).
let rowsPerState = 2500

/// Fills `fixture` with `rowsPerState` rows of each state, reads them all once (data keys in the
/// cache: the steady state), and picks `batch` ids at random among them, repeats allowed.
func mixedLedger(_ fixture: LedgerFixture) async throws -> (all: [EntryID], wanted: [EntryID]) {
    try await fixture.enroll(["alice"], optIn: ["bob"])
    let alice = try ActorID("alice")
    let bob = try ActorID("bob")
    func rows(_ actor: ActorID, encrypt: Bool) throws -> [NewEntry] {
        try (0..<rowsPerState).map { _ in
            try NewEntry(actor: actor, kind: "prompt", payload: rowPayload, encrypt: encrypt)
        }
    }
    var all = try await fixture.ledger.append(rows(alice, encrypt: false))
    all += try await fixture.ledger.append(rows(bob, encrypt: true))
    all += try await fixture.ledger.append(rows(alice, encrypt: true))
    _ = try await fixture.administration.rotate(.actor(alice))
    all += try await fixture.ledger.append(rows(alice, encrypt: true))
    _ = try await fixture.ledger.read(all)
    var generator = SplitMix(seed: 42)
    return (all, (0..<batch).map { _ in all[Int(generator.next() % UInt64(all.count))] })
}

func readBenchmarks(_ backend: Backend) {
    let fixture = Box<LedgerFixture>()
    let ids = Box<[EntryID]>()
    let rawStore = Box<RawStore>()
    let setup: @Sendable () async throws -> Void = {
        let made = try await LedgerFixture.make(backend, label: "read")
        fixture.value = made
        let (all, wanted) = try await mixedLedger(made)
        ids.value = wanted
        // The plain table: as many 1 KiB rows, in the same database.
        let raw = try RawStore(backend, made.rawDatabase)
        try raw.mirrorEntries(create: true)
        try raw.insertPlain(first: 0, count: all.count)
        rawStore.value = raw
    }
    let teardown: @Sendable () async throws -> Void = {
        rawStore.value = nil
        fixture.value?.close()
    }

    Benchmark(
        "read 1000 mixed \(backend)", configuration: configuration(),
        closure: { benchmark in
            let ledger = fixture.unwrapped.ledger
            let wanted = ids.unwrapped
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let results = try await ledger.read(wanted)
                precondition(results.allSatisfy { (try? $0.get()) != nil })
                blackHole(results)
            }
            benchmark.stopMeasurement()
        }, setup: setup, teardown: teardown)

    // The raw baseline of the target (a select a key), then two stricter ones for context:
    // the same in one transaction, and the ledger's own strategy (lists of keys) in C.
    for (suffix, strategy) in [
        ("", RawStore.ReadStrategy.eachKey), (" one transaction", .eachKeyOneTransaction), (" listed", .listed),
    ] {
        Benchmark(
            "read 1000 mixed \(backend) raw C\(suffix)", configuration: configuration(),
            closure: { benchmark in
                let raw = rawStore.unwrapped
                let wanted = ids.unwrapped.map(\.rawValue)
                let expected = strategy == .listed ? Set(wanted).count : batch
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    let found = raw.selectEntries(wanted, strategy)
                    precondition(found >= expected, "found \(found) of \(expected)")
                }
                benchmark.stopMeasurement()
            }, setup: setup, teardown: teardown)
    }

    Benchmark(
        "read 1000 \(backend) raw C plain table", configuration: configuration(),
        closure: { benchmark in
            let raw = rawStore.unwrapped
            var generator = SplitMix(seed: 42)
            let keys = (0..<batch).map { _ in Int32(generator.next() % UInt64(4 * rowsPerState)) }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let found = try raw.selectPlain(keys)
                precondition(found == batch)
            }
            benchmark.stopMeasurement()
        }, setup: setup, teardown: teardown)
}

/// A cold miss: the owner was just evicted (a rotation elsewhere), so opening a record reads the
/// keyring and the wrapped data key from the store, the identity file from disk, and unwraps.
func coldMissBenchmark(_ backend: Backend) {
    let fixture = Box<LedgerFixture>()
    let record = Box<(EntryID, [UInt8])>()
    let setup: @Sendable () async throws -> Void = {
        let made = try await LedgerFixture.make(backend, label: "miss")
        fixture.value = made
        try await made.enroll(["alice"])
        let id = try await made.ledger.append(
            try NewEntry(actor: try ActorID("alice"), kind: "prompt", payload: rowPayload))
        record.value = (id, try await made.workspace.store.entry(id)!.1)
    }
    Benchmark(
        "registry cold miss \(backend)", configuration: configuration(maxIterations: 5000),
        closure: { benchmark in
            let registry = fixture.unwrapped.workspace.registry
            let owner = Owner.actor(try ActorID("alice"))
            let (id, stored) = record.unwrapped
            for _ in benchmark.scaledIterations {
                registry.evict(owner)
                blackHole(try await registry.open(stored, owner: owner, entryID: id.rawValue))
            }
        }, setup: setup, teardown: { fixture.value?.close() })
}

/// The cold miss of an actor with a post-quantum (mlkem768x25519) key, alone and against the
/// same miss of an actor with an X25519 key in the same workspace, alternately in one process:
/// the difference is the X-Wing key expansion and decapsulation.
func postQuantumColdMissBenchmarks(_ backend: Backend) {
    let state = LedgerState()
    let records = Box<[String: (EntryID, [UInt8])]>()
    let setup: @Sendable () async throws -> Void = {
        let made = try await LedgerFixture.make(backend, label: "pq-miss")
        state.fixture = made
        try await made.enroll(["classic"])
        _ = try await made.administration.enroll(try ActorID("quantum"), keys: .auto, keyType: .hybrid)
        var found: [String: (EntryID, [UInt8])] = [:]
        for actor in ["classic", "quantum"] {
            let id = try await made.ledger.append(
                try NewEntry(actor: try ActorID(actor), kind: "prompt", payload: rowPayload))
            found[actor] = (id, try await made.workspace.store.entry(id)!.1)
        }
        records.value = found
    }
    @Sendable func miss(_ actor: String) async throws {
        let registry = state.fixture!.workspace.registry
        let owner = Owner.actor(try ActorID(actor))
        let (id, stored) = records.unwrapped[actor]!
        registry.evict(owner)
        blackHole(try await registry.open(stored, owner: owner, entryID: id.rawValue))
    }
    Benchmark(
        "registry cold miss \(backend) mlkem768x25519", configuration: configuration(maxIterations: 5000),
        closure: { benchmark in
            for _ in benchmark.scaledIterations { try await miss("quantum") }
        }, setup: setup, teardown: { state.fixture?.close() })
    Ratio.benchmark(
        "ratio registry cold miss \(backend) mlkem768x25519 vs x25519", operations: 20, rounds: 200, seconds: 4,
        setup: setup, teardown: { state.fixture?.close() },
        ours: { try await miss("quantum") }, baseline: { try await miss("classic") })
}

/// Rewrap after a rotation, for an actor with 1k rows and one with 1M rows, each under ten data
/// keys: the work is per data key, so the two must take the same time.
func rewrapBenchmarks() {
    for (label, rows) in [("1k", 1_000), ("1M", 1_000_000)] {
        let fixture = Box<LedgerFixture>()
        let setup: @Sendable () async throws -> Void = {
            let made = try await LedgerFixture.make(
                .sqlite, label: "rewrap", policy: DataKeyPolicy(maxRecords: rows / 10))
            fixture.value = made
            try await made.enroll(["alice"])
            let alice = try ActorID("alice")
            let small = Sizes.payload(64)
            let chunk = min(rows, 10_000)
            let entries = try (0..<chunk).map { _ in try NewEntry(actor: alice, kind: "prompt", payload: small) }
            for _ in 0..<(rows / chunk) { _ = try await made.ledger.append(entries) }
        }
        Benchmark(
            "rewrap 10 data keys \(label) rows sqlite",
            configuration: .init(
                metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 2,
                maxDuration: .seconds(10), maxIterations: 25),
            closure: { benchmark in
                let administration = fixture.unwrapped.administration
                let owner = Owner.actor(try ActorID("alice"))
                // One rewrap a run: rotating before it and retiring the old version after it are
                // not measured.
                let rotation = try await administration.rotate(owner)
                benchmark.startMeasurement()
                let summary = try await administration.rewrap(owner)
                benchmark.stopMeasurement()
                precondition(summary.done == 10 && summary.failed == 0, "rewrap did \(summary.done) of 10")
                _ = try await administration.retire(owner, fingerprint: rotation.previous.fingerprint.hex)
            }, setup: setup, teardown: { fixture.value?.close() })
    }
}

extension LedgerState {
    /// A workspace where alice has one row: its record and data key id, for the cold-miss pairs.
    func coldMiss(_ backend: Backend, label: String) async throws -> LedgerFixture {
        let made = try await LedgerFixture.make(backend, label: label)
        fixture = made
        try await made.enroll(["alice"])
        let id = try await made.ledger.append(
            try NewEntry(actor: try ActorID("alice"), kind: "prompt", payload: rowPayload))
        ids = [id]
        record = try await made.workspace.store.entry(id)!.1
        dataKeyID = try RecordEnvelope.dataKeyID(of: record)
        return made
    }
}

/// The cold miss with a sealed identity (A) against the same miss as the registry made it when
/// identities were files (B), alternately in one process: B is the store's trip for the data
/// key and its keyring, the identity file read and parsed, and the unwrap, without the
/// registry's bookkeeping, which only A pays. The root of trust's target: A/B within 1.2.
func sealedIdentityBenchmarks(_ backend: Backend) {
    let miss = LedgerState()
    Ratio.benchmark(
        "ratio registry cold miss \(backend) sealed vs file", operations: 20, rounds: 200, seconds: 4,
        setup: {
            let made = try await miss.coldMiss(backend, label: "ratio-sealed")
            let owner = Owner.actor(try ActorID("alice"))
            // The identity as a file, where the file-based registry read it from.
            let version = try await made.workspace.store.keyringOf(owner).active!
            let files = KeyStore(directory: made.workspace.home + "/legacy-keys")
            try FilePath.makeDirectories(files.directory(for: owner))
            let writer = try AtomicFileWriter(
                destination: files.identityPath(for: owner, name: version.name), mode: 0o600)
            try IdentityFile.format(try made.workspace.registry.sealer.unseal(version)).withUnsafeBytes {
                bytes throws(ActorKeysError) in try writer.write(bytes)
            }
            try writer.commit(.refuse)
            miss.dataKey = files.directory
        },
        teardown: {
            miss.fixture?.close()
        },
        ours: {
            let registry = miss.fixture!.workspace.registry
            let owner = Owner.actor(try ActorID("alice"))
            registry.evict(owner)
            blackHole(try await registry.open(miss.record, owner: owner, entryID: miss.ids[0].rawValue))
        },
        baseline: {
            let store = miss.fixture!.workspace.store
            let (stored, keyring) = try await store.dataKeyAndKeyring(id: miss.dataKeyID!)!
            let version = keyring.active!
            guard case .x25519(let recipient) = version.recipient else { preconditionFailure("an X25519 key") }
            let identity = try KeyStore(directory: miss.dataKey).loadIdentity(
                owner: stored.owner, name: version.name, knownRecipient: recipient)
            blackHole(try DataKey.unwrap(stored.wrapped!, expectedID: miss.dataKeyID!, with: [identity]))
        })
}
