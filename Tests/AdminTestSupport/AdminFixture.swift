import ActorKeys
import Admin
import Ledger
import Registry
import TestSupport

/// An initialized workspace on a fresh database of one backend.
public struct AdminFixture: Sendable {
    public let directory = TemporaryDirectory()
    public let url: DatabaseURL
    public let workspace: Workspace
    public let admin: KeyAdministration

    public init(_ backend: TestBackend, policy: DataKeyPolicy = .default) async throws {
        url = try DatabaseURL(try backend.freshDatabaseURL(in: directory))
        workspace = try await Workspace.open(home: directory.file("home"), database: url, create: true, policy: policy)
        admin = workspace.administration(as: .commandLine(user: "tests"))
        _ = try await admin.initialize(admin: try ActorID("admin"))
    }

    public var ledger: EncryptedLedger { workspace.ledger }
    public var store: LedgerStore { workspace.store }

    public func id(_ text: String) -> ActorID { try! ActorID(text) }

    /// Appends `count` text entries for `actor`; returns ids and payloads.
    public func write(
        _ actor: String, count: Int, prefix: String = "row", encrypt: Bool = true
    ) async throws -> [(EntryID, [UInt8])] {
        let payloads = (0..<count).map { Array("\(prefix) \(actor) \($0)".utf8) }
        let ids = try await ledger.append(
            try payloads.map { try NewEntry(actor: id(actor), kind: "prompt", payload: $0, encrypt: encrypt) })
        return Array(zip(ids, payloads))
    }

    /// Every row reads back exactly.
    public func expectReadable(_ rows: [(EntryID, [UInt8])]) async throws -> Bool {
        for (entry, payload) in rows where try await ledger.read(entry).payload != payload { return false }
        return true
    }
}
