import ActorKeys
import Admin
import AdminTestSupport
import Envelope
import Ledger
import Registry
import TestSupport
import Testing

/// Actors with post-quantum (mlkem768x25519) keys: enrolment, the workspace's default, moving
/// an actor over by rotation and rewrap, and what status says of it.
@Suite("post-quantum actor keys", .serialized)
struct PostQuantumKeysTests {
    /// The stanza types of a data key's wrapped form.
    func stanzaTypes(of stored: StoredDataKey) throws -> [String] {
        var source = BytesSource(try #require(stored.wrapped))
        return try Age.stanzas(of: &source).map(\.type)
    }

    @Test(
        "enroll with a post-quantum key: data keys wrapped to it alone, rows read back, status counts them",
        arguments: TestBackend.allCases)
    func enrolment(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let alice = Owner.actor(fixture.id("alice"))
        let enrolled = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto, keyType: .hybrid)
        let key = try #require(enrolled.key)
        #expect(key.recipient.kind == .hybrid)
        #expect(key.recipient.encoded.hasPrefix("age1pq1"))
        let rows = try await fixture.write("alice", count: 5)
        fixture.workspace.registry.evict(alice)
        #expect(try await fixture.expectReadable(rows))
        for stored in try await fixture.store.dataKeys(of: alice) {
            #expect(try stanzaTypes(of: stored) == ["mlkem768x25519"])
        }
        _ = try await fixture.admin.enroll(fixture.id("bob"), keys: .optIn)
        _ = try await fixture.write("bob", count: 2)
        let status = try await fixture.admin.status()
        let owner = try #require(status.owners.first { $0.owner == alice })
        #expect(owner.keyType == .hybrid)
        #expect(owner.rowsPostQuantum == 5)
        #expect(status.owners.first { $0.owner == .shared }?.keyType == .x25519)
        #expect(status.encryptedRows == 7)
        #expect(status.postQuantumRows == 5)
        let report = StatusReport(status)
        #expect(report.owners.first { $0.actor == "alice" }?.keyType == "mlkem768x25519")
        #expect(report.owners.first { $0.actor == "alice" }?.versions.first?.keyType == "mlkem768x25519")
    }

    @Test(
        "rotation moves a classic actor to post-quantum; rewrap moves its data keys, re-encrypt its rows; nothing is lost",
        arguments: TestBackend.allCases)
    func classicToPostQuantum(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        let alice = Owner.actor(fixture.id("alice"))
        _ = try await fixture.admin.enroll(fixture.id("alice"), keys: .auto)
        var rows = try await fixture.write("alice", count: 4, prefix: "classic")
        let rotation = try await fixture.admin.rotate(alice, keyType: .hybrid)
        #expect(rotation.version.recipient.kind == .hybrid)
        #expect(rotation.previous.recipient.kind == .x25519)
        rows += try await fixture.write("alice", count: 3, prefix: "pq")
        // The new data key is not wrapped to the classic version too: that would undo it.
        let keys = try await fixture.store.dataKeys(of: alice)
        let newest = try #require(keys.first { $0.fingerprints == [rotation.version.fingerprint] })
        #expect(try stanzaTypes(of: newest) == ["mlkem768x25519"])
        var owner = try #require(try await fixture.admin.status().owners.first { $0.owner == alice })
        #expect(owner.rowsPostQuantum == 3)
        #expect(owner.rowsOnOlderVersionsOnly == 4)

        let summary = try await fixture.admin.rewrap(alice)
        #expect(summary.failed == 0)
        fixture.workspace.registry.evict(alice)
        #expect(try await fixture.expectReadable(rows))
        owner = try #require(try await fixture.admin.status().owners.first { $0.owner == alice })
        // Rewrapped, the old data key is wrapped to the post-quantum version alone, but it was
        // minted classic (a copy of that form may exist): its rows are not post-quantum yet.
        #expect(owner.rowsPostQuantum == 3)
        #expect(owner.rowsUnderActiveVersion == 7)
        for stored in try await fixture.store.dataKeys(of: alice) {
            #expect(try stanzaTypes(of: stored) == ["mlkem768x25519"])
        }
        _ = try await fixture.admin.reencrypt(alice)
        fixture.workspace.registry.evict(alice)
        #expect(try await fixture.expectReadable(rows))
        owner = try #require(try await fixture.admin.status().owners.first { $0.owner == alice })
        #expect(owner.rowsPostQuantum == 7)
        // The classic version can now go, and every row still reads back.
        _ = try await fixture.admin.retire(alice, fingerprint: rotation.previous.fingerprint.hex)
        fixture.workspace.registry.evict(alice)
        #expect(try await fixture.expectReadable(rows))
        // A further rotation keeps the type; --classic goes back.
        #expect(try await fixture.admin.rotate(alice).version.recipient.kind == .hybrid)
        let back = try await fixture.admin.rotate(alice, keyType: .x25519)
        #expect(back.version.recipient.kind == .x25519)
        #expect(back.nextStep.contains("wrapped to it alone"))
        // A new data key goes to the classic version alone: not to the post-quantum one before
        // it, nor to an older classic one.
        fixture.workspace.registry.evict(alice)
        rows += try await fixture.write("alice", count: 1, prefix: "classic again")
        let sealing = try await fixture.store.dataKeys(of: alice).filter { $0.state == .sealing }
        #expect(sealing.map(\.fingerprints) == [[back.version.fingerprint]])
        #expect(try await fixture.expectReadable(rows))
    }

    @Test(
        "the workspace's default is the shared key's type; opt-in actors choose at key create",
        arguments: TestBackend.allCases)
    func workspaceDefault(_ backend: TestBackend) async throws {
        let fixture = try await AdminFixture(backend)
        #expect(try await fixture.admin.enroll(fixture.id("early"), keys: .auto).key?.recipient.kind == .x25519)
        _ = try await fixture.admin.rotate(.shared, keyType: .hybrid)
        #expect(try await fixture.admin.enroll(fixture.id("alice"), keys: .auto).key?.recipient.kind == .hybrid)
        let classic = try await fixture.admin.enroll(fixture.id("carol"), keys: .auto, keyType: .x25519)
        #expect(classic.key?.recipient.kind == .x25519)
        _ = try await fixture.admin.enroll(fixture.id("bob"), keys: .optIn)
        #expect(try await fixture.admin.createKey(for: fixture.id("bob")).version.recipient.kind == .hybrid)
        _ = try await fixture.admin.enroll(fixture.id("dave"), keys: .optIn)
        let chosen = try await fixture.admin.createKey(for: fixture.id("dave"), keyType: .x25519)
        #expect(chosen.version.recipient.kind == .x25519)
        let refused = await #expect(throws: AdminError.self) {
            try await fixture.admin.enroll(fixture.id("erin"), keys: .optIn, keyType: .hybrid)
        }
        #expect(refused?.code == .invalidArgument)
        // Shared-key rows are post-quantum now too, and read back after a cold miss.
        _ = try await fixture.admin.enroll(fixture.id("zed"), keys: .optIn)
        let rows = try await fixture.write("zed", count: 3)
        fixture.workspace.registry.evict(.shared)
        #expect(try await fixture.expectReadable(rows))
        #expect(try await fixture.admin.status().owners.first { $0.owner == .shared }?.rowsPostQuantum == 3)
    }

    @Test(
        "a post-quantum workspace from init, and break-glass export of a post-quantum actor",
        arguments: TestBackend.allCases)
    func initAndExport(_ backend: TestBackend) async throws {
        let directory = TemporaryDirectory()
        let url = try DatabaseURL(try backend.freshDatabaseURL(in: directory))
        let workspace = try await Workspace.open(home: directory.file("home"), database: url, create: true)
        let admin = workspace.administration(as: .commandLine(user: "tests"))
        let initialized = try await admin.initialize(admin: try ActorID("admin"), keyType: .hybrid)
        #expect(initialized.sharedKey.recipient.kind == .hybrid)
        let alice = try ActorID("alice")
        #expect(try await admin.enroll(alice, keys: .auto).key?.recipient.kind == .hybrid)
        _ = try await workspace.ledger.append([
            try NewEntry(actor: alice, kind: "prompt", payload: Array("for later".utf8), encrypt: true)
        ])
        let exported = try await admin.exportIdentities(of: .actor(alice), destination: "test")
        let identities = try exported.withUnsafeBytes { try IdentityFile.parse($0) }
        #expect(identities.map(\.kind) == [.hybrid])
        // The exported identity alone unwraps the actor's data key, as age 1.3 would.
        let stored = try #require(try await workspace.store.dataKeys(of: .actor(alice)).first)
        let unwrapped = try DataKey.unwrap(try #require(stored.wrapped), expectedID: stored.id, with: identities)
        #expect(unwrapped.id == stored.id)
    }
}
