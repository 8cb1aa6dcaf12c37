import ActorKeys
import Ledger
import Registry

extension KeyAdministration {
    /// Sets up a new installation: its root of trust under the root key `rootKey` (default
    /// `local:<home>/keys/root.key`), the shared key (`primary`), a bootstrap admin with every
    /// permission, and a token for it, printed once. A database that is already initialized is a
    /// conflict. A run cut off after the root of trust was recorded picks it up and goes on.
    /// `keyType` is the shared key's, and so the workspace's default for actors' keys.
    public func initialize(
        admin adminID: ActorID, rootKey: String? = nil, keyType: AgeKeyKind = .x25519
    ) async throws(AdminError) -> Initialization {
        try await audited("init", target: adminID.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin])
            let keyring = try await admin { try await store.keyringOf(.shared) }
            if let active = keyring.active {
                throw AdminError(
                    .conflict,
                    "the database \(store.url) already holds an initialized workspace (shared key \(active.fingerprint)): join it with --database, do not init again"
                )
            }
            let root: Ledger.RootState
            if let existing = try await admin({ try await store.rootState() }) {
                if let error = await workspace.root.load() { throw error }
                root = existing
            } else {
                root = try await workspace.root.create(
                    uri: rootKey ?? Workspace.defaultRootKey(home: workspace.home), by: principal.description)
            }
            let key = try newKey(for: .shared, name: KeyName.primary.rawValue, existing: [], kind: keyType)
            let added = try await admin { try await store.addActiveVersion(key).added }
            workspace.registry.evict(.shared)
            if try await admin({ try await store.actor(adminID) }) == nil {
                try await admin {
                    try await store.insertActor(
                        Actor(id: adminID, keyPolicy: .optIn, permissions: .all, createdAt: .now(), shreddedAt: nil))
                }
            }
            let token = APITokenFormat.generate()
            try await admin { try await store.insertToken(id: token.id, actor: adminID, tokenHash: token.hash) }
            let created = CreatedToken(id: token.id, actor: adminID, token: token.secret)
            let result = Initialization(
                home: workspace.home, database: store.url.description, sharedKey: added, rootKey: root.root.uri,
                kekID: root.root.kekID, kekVersion: root.activeWrap?.kekVersion ?? "", admin: adminID, token: created)
            return (
                result,
                [
                    "token_id": token.id, "database": store.url.description, "root_key": root.root.uri,
                    "kek_id": root.root.kekID, "fingerprint": added.fingerprint.hex,
                    "recipient": added.recipient.encoded, "key_type": keyType.rawValue,
                ]
            )
        }
    }
}
