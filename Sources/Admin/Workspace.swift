import ActorKeys
import Ledger
import Registry

#if canImport(Glibc)
import Glibc
#endif

/// Workspace is one actorkeys installation opened for work: its home folder (keys), its
/// database (SQLite in the home folder by default, or PostgreSQL), the registry and the ledger.
/// The CLI, the HTTP server and embedding services all go through it.
public final class Workspace: Sendable {
    public let home: String
    public let keyStore: KeyStore
    public let store: LedgerStore
    public let registry: EncryptorRegistry
    public let ledger: EncryptedLedger

    /// The default database: SQLite in the home folder.
    public static func defaultDatabase(home: String) -> DatabaseURL {
        .sqlite(path: FilePath.join(home, "actorkeys.db"))
    }

    /// Opens the workspace in `home`. `create` makes the home folder (0700) when missing; without
    /// it a missing home is an error that says to run `actorkeys init`.
    public static func open(
        home: String, database: DatabaseURL? = nil, create: Bool = false, policy: DataKeyPolicy = .default
    ) async throws(AdminError) -> Workspace {
        var status = stat()
        if stat(home, &status) != 0 {
            guard create else { throw AdminError(.notFound, "no actorkeys home at \(home): run actorkeys init") }
        }
        do {
            try FilePath.makeDirectories(home)
            try FilePath.makeDirectories(FilePath.join(home, "keys"))
        } catch {
            throw AdminError(error)
        }
        let store = try await admin { try await LedgerStore.open(database ?? defaultDatabase(home: home)) }
        let keyStore = KeyStore(directory: FilePath.join(home, "keys"))
        let registry = EncryptorRegistry(store: store, keyStore: keyStore, policy: policy)
        return Workspace(
            home: home, keyStore: keyStore, store: store, registry: registry,
            ledger: EncryptedLedger(store: store, registry: registry))
    }

    private init(
        home: String, keyStore: KeyStore, store: LedgerStore, registry: EncryptorRegistry, ledger: EncryptedLedger
    ) {
        self.home = home
        self.keyStore = keyStore
        self.store = store
        self.registry = registry
        self.ledger = ledger
    }

    /// Keeps the registry in step with key changes made by other processes until cancelled.
    public func watchKeyChanges(every interval: Duration = .milliseconds(250)) async {
        await registry.watch(every: interval, wakeUps: store.keyChangeSignals)
    }

    /// The key administration of this workspace, acting as `principal` in the audit trail.
    /// With `permissions`, every action checks them (the HTTP API); without, none do (the
    /// command line, which holds the key files anyway).
    public func administration(as principal: Principal, permissions: Permissions? = nil) -> KeyAdministration {
        KeyAdministration(workspace: self, principal: principal, permissions: permissions)
    }
}

/// Principal is who performs an administrative action, as the audit trail records it.
public enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// The operator at the command line (identified by the local user name).
    case commandLine(user: String)
    /// An actor authenticated by an API token.
    case actor(ActorID)

    public var description: String {
        switch self {
        case .commandLine(let user): "cli:\(user)"
        case .actor(let id): "actor:\(id)"
        }
    }
}
