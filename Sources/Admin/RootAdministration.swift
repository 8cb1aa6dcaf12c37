import ActorKeys
import Envelope
import Ledger
import Registry
import RootKeys

/// The root of trust's use cases: show, test, rotate under the provider's newest version, move
/// to another root key, and the break-glass export. Each one is audited with the root key's URI
/// and versions, never a credential or a wrapped key. Re-sealing is in `Reseal.swift`.
extension KeyAdministration {
    var root: RootOfTrust { workspace.root }

    /// The root key as this process holds it; makes no provider call.
    public func rootSnapshot() throws(AdminError) -> RootSnapshot {
        try authorize([.isAdmin])
        return root.snapshot()
    }

    /// Tests a root key URI in the documented order (shape, credentials, key, round trip);
    /// saves nothing. The outcome is audited as `root.test`, success or not.
    public func testRootKey(_ uri: String) async throws(AdminError) -> ConnectionTestResult {
        try authorize([.isAdmin])
        let workspaceID = try await admin { try await store.workspaceID() } ?? "unsaved"
        let result = await ConnectionTest.run(uri: uri, credentials: root.credentials, workspace: workspaceID)
        var details: AuditDetails = ["uri": result.location ?? "(invalid)", "ok": String(result.ok)]
        if let error = result.error { details["error_code"] = error.code.rawValue }
        try? await recordSuccess("root.test", target: nil, details: details)
        return result
    }

    /// Re-wraps every sealing key under the root key's newest version (Vault `rewrap`; unwrap
    /// and wrap elsewhere): constant work, whatever the number of identities. Each new wrapped
    /// form is unwrapped and compared before it replaces the old one.
    public func rotateRoot() async throws(AdminError) -> RootRotation {
        try await audited("root.rotate", target: nil) { () throws(AdminError) in
            try authorize([.isAdmin])
            let state = try await currentRoot()
            let provider = try rootProvider(state.root.uri)
            let context = WrapContext(workspace: state.workspaceID, purpose: RootOfTrust.sealingPurpose)
            var wraps: [(sealingKey: Int64, kekVersion: String, wrapped: [UInt8])] = []
            do {
                for wrap in state.wraps {
                    let old = WrappedRootKey(ciphertext: wrap.wrapped, kekVersion: wrap.kekVersion)
                    let new = try await provider.rewrap(old, context: context)
                    let before = try await provider.unwrap(old, context: context)
                    guard try await provider.unwrap(new, context: context).constantTimeEquals(before) else {
                        throw RootKeyError(.networkError, "the rewrapped sealing key does not unwrap to the same key")
                    }
                    wraps.append((wrap.sealingKeyID, new.kekVersion, new.ciphertext))
                }
            } catch {
                throw RootOfTrust.unavailable(state.root.uri, error)
            }
            try await admin { try await store.rotateRoot(state.root.id, wraps: wraps) }
            if let error = await root.load() { throw error }
            let previous = state.activeWrap?.kekVersion ?? ""
            let current = wraps.first { $0.sealingKey == state.activeWrap?.sealingKeyID }?.kekVersion ?? previous
            let rotation = RootRotation(
                uri: state.root.uri, previousVersion: previous, kekVersion: current, sealingKeys: wraps.count)
            return (
                rotation,
                [
                    "root_key": state.root.uri, "previous_kek_version": previous, "kek_version": current,
                    "sealing_keys": String(wraps.count),
                ]
            )
        }
    }

    /// Moves the workspace to the root key `uri`. The new root key must work first: every
    /// sealing key in use is wrapped by it and unwrapped again to verify; only then does it
    /// become the active root key and the old wrapped forms go. Interrupted, it is run again
    /// with the same URI and resumes. A `local:` key file is created when missing. Needs
    /// `is_infra_admin`, as the provider configuration does.
    public func setRoot(_ uri: String) async throws(AdminError) -> RootChange {
        try await audited("root.set", target: nil) { () throws(AdminError) in
            try authorize([.isInfraAdmin])
            let state = try await currentRoot()
            let location: RootKeyLocation
            do throws(RootKeyError) { location = try RootKeyLocation(parsing: uri) } catch {
                throw AdminError(.invalidArgument, error.message)
            }
            guard location.description != state.root.uri else {
                throw AdminError(.conflict, "the workspace already uses root key \(state.root.uri)")
            }
            let keys = try await sealingKeys(of: state)
            let change = try await moveRoot(
                state, keys: keys, to: location, provider: try rootProvider(location.description), fields: nil)
            return (
                change,
                [
                    "previous_root_key": state.root.uri, "root_key": change.uri, "kek_id": change.kekID,
                    "kek_version": change.kekVersion, "sealing_keys": String(change.sealingKeys),
                ]
            )
        }
    }

    /// The move itself: `keys` (every sealing key in use, unwrapped) wrapped by `provider`,
    /// each verified, recorded under a pending root key with `fields`, which then becomes the
    /// active one; the process reloads. A failure leaves the old root key in force.
    func moveRoot(
        _ state: RootState, keys: [Int64: SecretBytes], to location: RootKeyLocation, provider: any RootKeyProvider,
        fields: String?
    ) async throws(AdminError) -> RootChange {
        let uri = location.description
        if case .local(let path) = location, !FilePath.exists(path) {
            do throws(RootKeyError) { try LocalRootKey.create(at: path) } catch {
                throw AdminError(.failed, error.message)
            }
        }
        let context = WrapContext(workspace: state.workspaceID, purpose: RootOfTrust.sealingPurpose)
        let facts: RootKeyFacts
        do { facts = try await provider.describe() } catch { throw RootOfTrust.unavailable(uri, error) }
        let pending = try await admin {
            try await store.pendingRoot(
                uri: uri, provider: location.provider, kekID: facts.kekID, by: principal.description, fields: fields)
        }
        var kekVersion = facts.kekVersion
        for (id, key) in keys.sorted(by: { $0.key < $1.key }) {
            do {
                let wrapped = try await provider.wrap(key, context: context)
                guard try await provider.unwrap(wrapped, context: context).constantTimeEquals(key) else {
                    throw RootKeyError(.networkError, "the new root key does not unwrap what it wrapped")
                }
                kekVersion = wrapped.kekVersion
                try await admin {
                    try await store.putWrap(
                        sealingKey: id, root: pending, kekVersion: wrapped.kekVersion, wrapped: wrapped.ciphertext)
                }
            } catch let error as AdminError {
                throw error
            } catch {
                throw RootOfTrust.unavailable(uri, error)
            }
        }
        try await admin { try await store.activateRoot(pending) }
        if let error = await root.load() { throw error }
        return RootChange(
            previous: state.root.uri, uri: uri, kekID: facts.kekID, kekVersion: kekVersion, sealingKeys: keys.count)
    }

    // MARK: Helpers

    func currentRoot() async throws(AdminError) -> RootState {
        guard let state = try await admin({ try await store.rootState() }) else {
            throw AdminError(.notFound, "the workspace has no root key: run actorkeys init")
        }
        return state
    }

    func rootProvider(_ uri: String) throws(AdminError) -> any RootKeyProvider {
        do {
            return try root.provider(for: uri)
        } catch {
            throw error.code == .invalidURI
                ? AdminError(.invalidArgument, error.message) : RootOfTrust.unavailable(uri, error)
        }
    }

    /// Every sealing key in use, unwrapped with the current root key (one call each).
    func sealingKeys(of state: RootState) async throws(AdminError) -> [Int64: SecretBytes] {
        do {
            return try await root.unwrapAll(state, with: try root.provider(for: state.root.uri))
        } catch {
            throw RootOfTrust.unavailable(state.root.uri, error)
        }
    }
}

/// RootRotation is a root key rotation: the version before and after.
public struct RootRotation: Sendable {
    public let uri: String
    public let previousVersion: String
    public let kekVersion: String
    public let sealingKeys: Int
}

/// RootChange is a move to another root key.
public struct RootChange: Sendable {
    public let previous: String
    public let uri: String
    public let kekID: String
    public let kekVersion: String
    public let sealingKeys: Int
}
