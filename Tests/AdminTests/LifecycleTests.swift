import ActorKeys
import Admin
import AdminTestSupport
import Ledger
import Registry
import TestSupport
import Testing

@Suite("key lifecycle", .serialized)
struct LifecycleTests {
    @Test(
        "enrolment: auto gets a key, opt-in writes under the shared key until key create",
        arguments: TestBackend.allCases)
    func enrolment(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let auto = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        #expect(auto.key?.state == .active)
        #expect(auto.key?.sealed != nil)
        // Nothing but the local root key is written under the home folder.
        #expect(FilePath.entries(of: fixture.workspace.keysDirectory) == ["root.key"])
        let optIn = try await fixture.admin.enroll(fixture.id("bob"), keys: .optIn)
        #expect(optIn.key == nil)
        let bobRows = try await fixture.write("bob", count: 2)
        #expect(try await fixture.ledger.read(bobRows[0].0).entry.protection == .shared)
        _ = try await fixture.admin.createKey(for: fixture.id("bob"))
        let later = try await fixture.write("bob", count: 1)
        #expect(try await fixture.ledger.read(later[0].0).entry.protection == .actor(fixture.id("bob")))
        #expect(try await fixture.expectReadable(bobRows + later))

        let duplicate = await #expect(throws: AdminError.self) {
            try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        }
        #expect(duplicate?.code == .conflict)
        let again = await #expect(throws: AdminError.self) { try await fixture.admin.createKey(for: fixture.id("bob")) }
        #expect(again?.code == .conflict)
        let unknown = await #expect(throws: AdminError.self) {
            try await fixture.admin.createKey(for: fixture.id("nobody"))
        }
        #expect(unknown?.code == .notFound)
    }

    @Test("rotating twice loses nothing: rows under every version read back", arguments: TestBackend.allCases)
    func rotationIsLossless(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        _ = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        var rows = try await fixture.write("alice", count: 3, prefix: "v1")
        rows += try await fixture.write("shared-writer", count: 0)
        let first = try await fixture.admin.rotate(.actor(fixture.id("alice")))
        rows += try await fixture.write("alice", count: 3, prefix: "v2")
        let second = try await fixture.admin.rotate(.actor(fixture.id("alice")), name: "third")
        rows += try await fixture.write("alice", count: 3, prefix: "v3")
        #expect(first.version.version == 2 && second.version.version == 3)
        #expect(second.version.name.rawValue == "third")
        #expect(second.previous.fingerprint == first.version.fingerprint)
        #expect(second.nextStep.contains("no restart"))
        #expect(try await fixture.expectReadable(rows))
        let keyring = try await fixture.store.keyringOf(.actor(fixture.id("alice")))
        #expect(keyring.versions.map(\.state) == [.active, .decryptOnly, .decryptOnly])

        // The shared key rotates too; primary is reserved; a version name cannot be reused.
        _ = try await fixture.admin.rotate(.shared)
        let reserved = await #expect(throws: AdminError.self) {
            try await fixture.admin.rotate(.shared, name: "primary")
        }
        #expect(reserved?.code == .invalidArgument)
        let reused = await #expect(throws: AdminError.self) {
            try await fixture.admin.rotate(.actor(fixture.id("alice")), name: "third", force: true)
        }
        #expect(reused?.code == .conflict)
        let invalid = await #expect(throws: AdminError.self) { try await fixture.admin.rotate(.shared, name: "../x") }
        #expect(invalid?.code == .invalidArgument)
    }

    @Test(
        "rewrap costs one step per data key, not per row; then retire erases the old key",
        arguments: TestBackend.allCases)
    func rewrapThenRetire(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let alice = Owner.actor(fixture.id("alice"))
        _ = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        let rows = try await fixture.write("alice", count: 1000)
        let rotation = try await fixture.admin.rotate(alice)
        let refused = await #expect(throws: AdminError.self) {
            try await fixture.admin.retire(alice, fingerprint: rotation.previous.fingerprint.hex)
        }
        #expect(refused?.code == .conflict)
        #expect(refused?.message.contains("1 data key") == true)
        let summary = try await fixture.admin.rewrap(alice)
        #expect(summary.done == 1)  // a thousand rows, one data key
        let retired = try await fixture.admin.retire(alice, fingerprint: rotation.previous.fingerprint.hex)
        let destroyed = try await fixture.store.keyringOf(alice).version(with: retired.fingerprint)
        #expect(destroyed?.state == .destroyed && destroyed?.sealed == nil)
        fixture.workspace.registry.evict(alice)
        #expect(try await fixture.expectReadable(rows))
        let active = await #expect(throws: AdminError.self) {
            try await fixture.admin.retire(alice, fingerprint: rotation.version.fingerprint.hex)
        }
        #expect(active?.code == .conflict)
        let bad = await #expect(throws: AdminError.self) { try await fixture.admin.retire(alice, fingerprint: "nope") }
        #expect(bad?.code == .invalidArgument)
    }

    @Test("re-encrypt moves rows to fresh data keys and erases the old ones", arguments: TestBackend.allCases)
    func reencrypt(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend, policy: DataKeyPolicy(maxRecords: 50))
        let alice = Owner.actor(fixture.id("alice"))
        _ = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        let rows = try await fixture.write("alice", count: 300)
        let before = Set(try await fixture.store.dataKeys(of: alice).map(\.id))
        let summary = try await fixture.admin.reencrypt(alice)
        #expect(summary.done == 300 && summary.failed == 0)
        let after = try await fixture.store.dataKeys(of: alice)
        #expect(after.filter { before.contains($0.id) }.allSatisfy { $0.state == .erased && $0.wrapped == nil })
        for (entry, _) in rows {
            let read = try await fixture.ledger.read(entry)
            #expect(!before.contains(read.entry.dataKey!))
        }
        #expect(try await fixture.expectReadable(rows))
    }

    @Test(
        "migrate moves an opted-in actor's shared-key rows to its key; plaintext stays plaintext",
        arguments: TestBackend.allCases)
    func migrate(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let bob = fixture.id("bob")
        _ = try await fixture.admin.enroll(bob, keys: .optIn)
        _ = try await fixture.admin.enroll(fixture.id("carol"), keys: .optIn)
        let shared = try await fixture.write("bob", count: 700)
        let plain = try await fixture.write("bob", count: 3, prefix: "plain", encrypt: false)
        let carol = try await fixture.write("carol", count: 5)
        let early = await #expect(throws: AdminError.self) { try await fixture.admin.migrate(bob) }
        #expect(early?.code == .conflict)
        _ = try await fixture.admin.createKey(for: bob)
        #expect(try await fixture.admin.status().sharedRowsAwaitingMigration == 700)
        let summary = try await fixture.admin.migrate(nil)
        #expect(summary.done == 700 && summary.total == 700)
        for (entry, _) in shared { #expect(try await fixture.ledger.read(entry).entry.protection == .actor(bob)) }
        for (entry, _) in plain { #expect(try await fixture.ledger.read(entry).entry.protection == .plaintext) }
        for (entry, _) in carol { #expect(try await fixture.ledger.read(entry).entry.protection == .shared) }
        #expect(try await fixture.expectReadable(shared + plain + carol))
        #expect(try await fixture.admin.migrate(nil).done == 0)
    }

    @Test(
        "shred: the actor's rows read as shredded, everything else stays readable, no secret is left",
        arguments: TestBackend.allCases)
    func shred(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let bob = fixture.id("bob")
        _ = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        _ = try await fixture.admin.enroll(bob, keys: .auto)
        let alice = try await fixture.write("alice", count: 5)
        let doomed = try await fixture.write("bob", count: 5)
        let plain = try await fixture.write("bob", count: 1, prefix: "plain", encrypt: false)
        _ = try await fixture.admin.rotate(.actor(bob))
        let unconfirmed = await #expect(throws: AdminError.self) {
            try await fixture.admin.shred(bob, confirmed: false)
        }
        #expect(unconfirmed?.code == .invalidArgument)
        let shredding = try await fixture.admin.shred(bob, confirmed: true)
        #expect(shredding.outcome.versionsDestroyed.count == 2)
        #expect(shredding.outcome.rowsUnreadable == 5)
        #expect(try await fixture.store.keyringOf(.actor(bob)).versions.allSatisfy { $0.sealed == nil })
        for (entry, _) in doomed {
            let error = await #expect(throws: LedgerError.self) { try await fixture.ledger.read(entry) }
            #expect(error?.code == .shredded)
        }
        #expect(try await fixture.expectReadable(alice + plain))
        let write = await #expect(throws: LedgerError.self) { try await fixture.write("bob", count: 1) }
        #expect(write?.code == .conflict)
        let wrapped = try await fixture.store.dataKeys(of: .actor(bob))
        #expect(wrapped.allSatisfy { $0.wrapped == nil && $0.state == .erased })
        let status = try await fixture.admin.status()
        let bobStatus = try #require(status.owners.first { $0.owner == .actor(bob) })
        #expect(bobStatus.shredded && bobStatus.rowsUnreadable == 5)
    }

    @Test("status counts versions, data keys and rows by protection", arguments: TestBackend.allCases)
    func status(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let alice = Owner.actor(fixture.id("alice"))
        _ = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        _ = try await fixture.write("alice", count: 4)
        _ = try await fixture.admin.rotate(alice)
        fixture.workspace.registry.evict(alice)
        _ = try await fixture.write("alice", count: 2)
        _ = try await fixture.write("alice", count: 1, encrypt: false)
        let status = try await fixture.admin.status()
        let owner = try #require(status.owners.first { $0.owner == alice })
        #expect(owner.versions.count == 2)
        #expect(owner.rows == 6)
        #expect(owner.rowsUnderActiveVersion == 2)
        #expect(owner.rowsOnOlderVersionsOnly == 4)
        #expect(status.plaintextRows == 1)
    }
}
