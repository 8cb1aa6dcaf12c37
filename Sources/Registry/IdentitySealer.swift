import ActorKeys
import Envelope
import Synchronization

/// IdentitySealer seals and unseals identities with the workspace's sealing keys, which the
/// root of trust unwraps with the root key and installs here. It is only ever in memory: a
/// closed sealer (the provider was unreachable past its cache lifetime) holds no key and
/// unseals nothing until keys are installed again.
///
/// A sealed identity's associated data is the workspace id, the owner, the version number and
/// the fingerprint, so a box copied to another row, owner, version or workspace does not open.
public final class IdentitySealer: Sendable {
    struct State {
        var keys: [Int64: SecretBytes] = [:]
        var active: Int64?
        var closedReason: String? = "the workspace sealing key is not loaded"
        var workspaceID = ""
    }

    let state = Mutex(State())

    public init() {}

    /// Makes `keys` (sealing key id → 32 bytes) of workspace `workspaceID` the ones this process
    /// holds; `active` seals new identities. Replaces whatever was there and opens a closed
    /// sealer.
    public func install(_ keys: [Int64: SecretBytes], active: Int64, workspaceID: String) {
        precondition(keys[active] != nil, "the active sealing key must be among the installed ones")
        state.withLock { state in
            state.workspaceID = workspaceID
            state.keys = keys
            state.active = active
            state.closedReason = nil
        }
    }

    /// Drops every sealing key: from now on sealing and unsealing fail with `reason` (a
    /// `.rootKeyUnavailable`) until `install` runs again.
    public func close(reason: String) {
        state.withLock { state in
            state.keys = [:]
            state.active = nil
            state.closedReason = reason
        }
    }

    /// Whether sealing keys are installed.
    public var isOpen: Bool { state.withLock { $0.closedReason == nil } }

    /// The ids of the installed sealing keys.
    public var installedKeys: Set<Int64> { state.withLock { Set($0.keys.keys) } }

    /// Seals `identity` as version `version` of `owner` under the active sealing key.
    public func seal(_ identity: AgeIdentity, owner: Owner, version: Int) throws(RegistryError) -> SealedIdentity {
        let (id, key, workspace) = try state.withLock { state throws(RegistryError) in
            guard let active = state.active, let key = state.keys[active] else { throw Self.closed(state) }
            return (active, key, state.workspaceID)
        }
        let box = SecretBox.seal(
            identity.secretBytes, key: key,
            associatedData: Self.associatedData(
                workspace: workspace, owner: owner, version: version, fingerprint: identity.fingerprint))
        return SealedIdentity(sealingKeyID: id, box: box)
    }

    /// Unseals a version's identity. Its recipient is the one the keyring records (not derived
    /// again): a box that opens is bound to that fingerprint.
    public func unseal(_ version: KeyVersion) throws(RegistryError) -> AgeIdentity {
        guard let sealed = version.sealed else {
            throw RegistryError(
                .identityUnavailable, "\(version.owner) version \(version.version) has no sealed identity")
        }
        let (key, workspace) = try state.withLock { state throws(RegistryError) -> (SecretBytes, String) in
            guard state.closedReason == nil else { throw Self.closed(state) }
            guard let key = state.keys[sealed.sealingKeyID] else {
                throw RegistryError(
                    .sealedIdentity,
                    "\(version.owner) version \(version.version) is sealed under sealing key \(sealed.sealingKeyID), which this process does not hold"
                )
            }
            return (key, state.workspaceID)
        }
        let secret: SecretBytes
        do {
            secret = try SecretBox.open(
                sealed.box, key: key,
                associatedData: Self.associatedData(
                    workspace: workspace, owner: version.owner, version: version.version,
                    fingerprint: version.fingerprint))
        } catch {
            throw RegistryError(
                .sealedIdentity,
                "the sealed identity of \(version.owner) version \(version.version) does not open: moved from another row or altered"
            )
        }
        guard secret.count == 32 else {
            throw RegistryError(.sealedIdentity, "the sealed identity of \(version.owner) has the wrong length")
        }
        return AgeIdentity(secretBytes: secret, knownRecipient: version.recipient)
    }

    static func associatedData(workspace: String, owner: Owner, version: Int, fingerprint: Fingerprint) -> [UInt8] {
        var bytes = Array("actorkeys/sealed-identity/v1".utf8)
        for field in [workspace, owner.actor?.rawValue ?? "", String(version), fingerprint.hex] {
            let utf8 = Array(field.utf8)
            bytes += [UInt8(truncatingIfNeeded: utf8.count >> 8), UInt8(truncatingIfNeeded: utf8.count)] + utf8
        }
        return bytes
    }

    private static func closed(_ state: State) -> RegistryError {
        RegistryError(.rootKeyUnavailable, state.closedReason ?? "no sealing key is active")
    }
}
