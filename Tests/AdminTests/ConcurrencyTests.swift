import ActorKeys
import Admin
import AdminTestSupport
import Ledger
import Synchronization
import TestSupport
import Testing

@Suite("concurrency", .serialized)
struct ConcurrencyTests {
    @Test("rotations while several tasks append and read: zero failed reads", arguments: TestBackend.allCases)
    func rotationsUnderLoad(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let actors = ["alice", "bob", "carol"]
        for actor in actors { _ = try await fixture.admin.enroll(fixture.id(actor), keys: .auto) }
        let failures = Counter()
        let reads = Counter()
        let ledger = fixture.ledger
        let ids = actors.map { fixture.id($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var written: [(EntryID, [UInt8])] = []
                    for index in 0..<60 {
                        let payload = Array("writer \(writer) row \(index)".utf8)
                        let entry = try await ledger.append(
                            try NewEntry(actor: ids[index % ids.count], kind: "prompt", payload: payload))
                        written.append((entry, payload))
                        // Read back a random earlier row, under whatever key version sealed it.
                        let (old, expected) = written.randomElement()!
                        do {
                            if try await ledger.read(old).payload != expected { failures.add() }
                        } catch {
                            failures.add()
                        }
                        reads.add()
                    }
                }
            }
            group.addTask {
                for round in 0..<6 {
                    _ = try await fixture.admin.rotate(.actor(ids[round % ids.count]))
                    _ = try await fixture.admin.rotate(.shared)
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            try await group.waitForAll()
        }
        #expect(reads.value == 240)
        #expect(failures.value == 0)
        let keyring = try await fixture.store.keyringOf(.actor(ids[0]))
        #expect(keyring.versions.count == 3)
    }

    @Test(
        "re-encryption while another task keeps writing: no row lands under an erased key",
        arguments: TestBackend.allCases)
    func reencryptUnderLoad(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let alice = fixture.id("alice")
        _ = try await fixture.admin.enroll(alice, keys: .auto)
        var rows = try await fixture.write("alice", count: 200)
        let ledger = fixture.ledger
        let writer = Task { () -> [(EntryID, [UInt8])] in
            var written: [(EntryID, [UInt8])] = []
            for index in 0..<150 {
                let payload = Array("during \(index)".utf8)
                written.append(
                    (try await ledger.append(try NewEntry(actor: alice, kind: "prompt", payload: payload)), payload))
            }
            return written
        }
        _ = try await fixture.admin.reencrypt(.actor(alice))
        rows += try await writer.value
        // Whatever was erased, every row must still open.
        #expect(try await fixture.expectReadable(rows))
    }
}

/// A counter tasks can share.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.wrappingAdd(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
