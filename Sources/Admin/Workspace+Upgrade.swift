import ActorKeys
import Ledger
import Registry
import RootKeys

extension Workspace {
    /// Whether the database is a workspace made before sealed identities: key versions, and no
    /// root of trust.
    func needsLegacyUpgrade() async throws(AdminError) -> Bool {
        try await admin { try await !store.keyringOf(.shared).versions.isEmpty }
    }

    /// Moves a workspace made before sealed identities to them, once, without losing a row: a
    /// local root key (`<home>/keys/root.key`) and a sealing key are made, every live key
    /// version's identity file is read, checked against its recorded recipient, sealed into its
    /// row and unsealed again to verify, and only then are the files erased as `retire` erases
    /// them. A version whose file is missing stays unsealed (it was unreadable before too) and
    /// is named in the audit event. Running it again continues where it stopped.
    func upgradeLegacy(options: RootOptions) async throws(AdminError) {
        let uri = Self.defaultRootKey(home: home)
        let state = try await root.create(uri: uri, by: "upgrade")
        let files = KeyStore(directory: keysDirectory)
        var sealed: [KeyVersion] = []
        var missing: [String] = []
        for version in try await admin({ try await store.versionsWithoutSealedIdentity() }) {
            guard
                let identity = try? files.loadIdentity(owner: version.owner, name: version.name),
                AgeRecipient.x25519(identity.recipient) == version.recipient
            else {
                missing.append("\(version.owner)/\(version.name)")
                continue
            }
            let box = try adminSync {
                try NewKeyVersion(
                    owner: version.owner, name: version.name, identity: .x25519(identity), sealer: root.sealer
                )
                .sealed(as: version.version)
            }
            _ = try await admin { try await store.replaceSealedIdentity(of: version, expected: nil, with: box) }
            sealed.append(version)
        }
        for version in try await admin({ try await store.keyringOf(.shared).versions }) where version.sealed == nil {
            if !missing.contains("\(version.owner)/\(version.name)") && version.state != .destroyed {
                missing.append("\(version.owner)/\(version.name)")
            }
        }
        // Verify every sealed row before any file goes.
        for version in sealed {
            let keyring = try await admin { try await store.keyringOf(version.owner) }
            guard let row = keyring.version(with: version.fingerprint),
                let identity = try? root.sealer.unseal(row), identity.recipient == version.recipient
            else {
                throw AdminError(.corrupt, "the sealed identity of \(version.owner)/\(version.name) does not verify")
            }
        }
        for version in sealed { try? files.erase(owner: version.owner, name: version.name) }
        registry.evictAll()
        try await administration(as: .commandLine(user: "upgrade")).recordSuccess(
            "root.upgrade", target: nil,
            details: [
                "root_key": uri, "sealing_keys": String(state.wraps.count), "identities_sealed": String(sealed.count),
                "identity_files_missing": missing.joined(separator: " "),
            ])
    }
}
