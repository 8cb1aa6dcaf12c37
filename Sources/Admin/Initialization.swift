import ActorKeys
import Ledger
import Registry

extension KeyAdministration {
    /// Sets up a new installation: the shared key (`primary`), a bootstrap admin with every
    /// permission, and a token for it, printed once. A second run is a conflict. A run that was
    /// cut off after writing the shared key file picks that file up instead of failing.
    public func initialize(admin adminID: ActorID) async throws(AdminError) -> Initialization {
        try await audited("init", target: adminID.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin])
            let keyring = try await admin { try await store.keyringOf(.shared) }
            if keyring.active != nil {
                throw AdminError(
                    .conflict, "already initialized: the shared key exists (\(keyring.active!.fingerprint))")
            }
            let files = try sharedPrimaryFiles()
            let added = try await admin { try await store.addActiveVersion(files).added }
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
                home: workspace.home, database: store.url.description, sharedKey: added, sharedKeyFiles: files,
                admin: adminID, token: created)
            var details = files.auditDetails
            details["token_id"] = token.id
            details["database"] = store.url.description
            return (result, details)
        }
    }

    /// The shared `primary` key files: new, or the ones an interrupted init left behind.
    private func sharedPrimaryFiles() throws(AdminError) -> GeneratedKey {
        let path = keyStore.identityPath(for: .shared, name: .primary)
        guard FilePath.exists(path) else {
            return try generateKey(for: .shared, name: KeyName.primary.rawValue, force: false, existing: [])
        }
        let identity = try adminSync { try keyStore.loadIdentity(owner: .shared, name: .primary) }
        return GeneratedKey(
            owner: .shared, name: .primary, identityPath: path,
            recipientPath: keyStore.recipientPath(for: .shared, name: .primary), recipient: identity.recipient)
    }
}
