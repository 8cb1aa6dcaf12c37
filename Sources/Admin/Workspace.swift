import ActorKeys
import Ledger
import Registry
import RootKeys

#if canImport(Glibc)
import Glibc
#endif

/// Workspace is one actorkeys installation opened for work: its home folder, its database
/// (SQLite in the home folder by default, or PostgreSQL), its root of trust, the registry and
/// the ledger. The CLI, the HTTP server and embedding services all go through it.
///
/// Identities live sealed in the database, so a process joins a PostgreSQL workspace with an
/// empty home folder: the database URL and the root key provider's credentials are enough.
public final class Workspace: Sendable {
    public let home: String
    public let store: LedgerStore
    public let registry: EncryptorRegistry
    public let ledger: EncryptedLedger
    public let root: RootOfTrust

    /// The default database: SQLite in the home folder.
    public static func defaultDatabase(home: String) -> DatabaseURL {
        .sqlite(path: FilePath.join(home, "actorkeys.db"))
    }

    /// The default root key: `local:<home>/keys/root.key`.
    public static func defaultRootKey(home: String) -> String {
        "local:" + FilePath.join(FilePath.join(FilePath.absolute(home), "keys"), "root.key")
    }

    /// Opens the workspace in `home`, unwrapping its sealing keys with the root key (one
    /// provider call). A home folder that does not exist is created when `create` (init) or when
    /// the database is not in it (a node joining by its database URL); otherwise it is an error
    /// that says to run `actorkeys init`. A provider that cannot be reached does not stop the
    /// open: the workspace reports it (`root.snapshot()`) and every use of a key fails with it.
    public static func open(
        home: String, database: DatabaseURL? = nil, create: Bool = false, policy: DataKeyPolicy = .default,
        options: RootOptions = RootOptions()
    ) async throws(AdminError) -> Workspace {
        var status = stat()
        if stat(home, &status) != 0, !create, database == nil {
            throw AdminError(.notFound, "no actorkeys home at \(home): run actorkeys init")
        }
        let url = database ?? defaultDatabase(home: home)
        if !create, case .sqlite(let path) = url, !FilePath.exists(path) {
            throw missingWorkspace(home: home, database: url)
        }
        do {
            try FilePath.makeDirectories(home)
        } catch {
            throw AdminError(error)
        }
        // What writers killed mid-write left behind (a rotation, an export, a saved secret).
        AtomicFileWriter.eraseAbandoned(in: home)
        let store = try await admin { try await LedgerStore.open(url) }
        let workspaceID = try await admin { try await store.workspaceID() }
        let sealer = IdentitySealer()
        let registry = EncryptorRegistry(store: store, sealer: sealer, policy: policy)
        let root = RootOfTrust(
            store: store, sealer: sealer,
            credentials: ProviderCredentials(
                environment: options.environment, secretsDirectory: FilePath.join(home, "secrets")),
            cacheTTL: options.cacheTTL, http: ProviderHTTP(timeout: options.providerTimeout),
            onClose: { registry.evictAll() })
        let workspace = Workspace(
            home: home, store: store, registry: registry, ledger: EncryptedLedger(store: store, registry: registry),
            root: root)
        if workspaceID != nil {
            await root.load()
        } else if try await workspace.needsLegacyUpgrade() {
            try await workspace.upgradeLegacy(options: options)
        } else if !create {
            throw missingWorkspace(home: home, database: store.url)
        }
        return workspace
    }

    /// No workspace in `database`: a fresh install (run init), unless the home folder holds keys,
    /// which means the database of a workspace was lost or emptied: init would start another
    /// workspace, unable to read anything the keys protected.
    private static func missingWorkspace(home: String, database: DatabaseURL) -> AdminError {
        let keys = FilePath.entries(of: FilePath.join(home, "keys"))?.filter { !$0.hasPrefix(".") } ?? []
        guard !keys.isEmpty else {
            return AdminError(.notFound, "the database \(database) holds no initialized workspace: run actorkeys init")
        }
        return AdminError(
            .notFound,
            "the home folder \(home) holds keys (keys/\(keys.sorted()[0])) but the database \(database) is missing or holds no workspace: restore the database, or point --database at it; init here would start a new workspace that cannot read the old rows"
        )
    }

    private init(
        home: String, store: LedgerStore, registry: EncryptorRegistry, ledger: EncryptedLedger, root: RootOfTrust
    ) {
        self.home = home
        self.store = store
        self.registry = registry
        self.ledger = ledger
        self.root = root
    }

    /// `<home>/keys`: the local root key, and the identity files of a workspace made before
    /// sealed identities.
    public var keysDirectory: String { FilePath.join(home, "keys") }

    /// `<home>/secrets`: provider credentials kept as files, 0600.
    public var secretsDirectory: String { FilePath.join(home, "secrets") }

    /// Keeps the registry in step with key changes made by other processes, and the sealing
    /// keys fresh, until cancelled.
    public func watchKeyChanges(every interval: Duration = .milliseconds(250)) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.registry.watch(every: interval, wakeUps: self.store.keyChangeSignals) }
            group.addTask { await self.root.maintain() }
        }
    }

    /// The key administration of this workspace, acting as `principal` in the audit trail.
    /// With `permissions`, every action checks them (the HTTP API); without, none do (the
    /// command line, which holds the database anyway).
    public func administration(as principal: Principal, permissions: Permissions? = nil) -> KeyAdministration {
        KeyAdministration(workspace: self, principal: principal, permissions: permissions)
    }
}

/// RootOptions are how a process reaches its root key: the environment its credentials come
/// from, how long unwrapped sealing keys may serve without the provider, and the timeout of
/// each provider call.
public struct RootOptions: Sendable {
    public var environment: [String: String]
    public var cacheTTL: Duration
    public var providerTimeout: Duration

    public init(
        environment: [String: String] = [:], cacheTTL: Duration = .seconds(300),
        providerTimeout: Duration = .seconds(10)
    ) {
        self.environment = environment
        self.cacheTTL = cacheTTL
        self.providerTimeout = providerTimeout
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
