import ActorKeys
import Envelope
import Ledger
import Registry
import RootKeys

extension RootOfTrust {
    /// Gives a new workspace its root of trust: a workspace id, a fresh sealing key wrapped by
    /// the root key `uri` and verified by unwrapping it again, all recorded in one transaction,
    /// and the sealing key installed. A `local:` key file is created when missing (never
    /// replaced). `.conflict` when the database already has a root of trust.
    func create(uri: String, by principal: String?) async throws(AdminError) -> RootState {
        if let existing = try await admin({ try await store.rootState() }) {
            throw AdminError(
                .conflict, "the database already holds an initialized workspace (root key \(existing.root.uri))")
        }
        let location: RootKeyLocation
        do { location = try RootKeyLocation(parsing: uri) } catch { throw AdminError(.invalidArgument, error.message) }
        if case .local(let path) = location, !FilePath.exists(path) {
            do throws(RootKeyError) { try LocalRootKey.create(at: path) } catch {
                throw AdminError(.failed, error.message)
            }
        }
        let workspaceID = "ws_" + Hex.encode(Array(SecretBytes.random(count: 12).withUnsafeBytes { Array($0) }))
        let sealingKey = SecretBytes.random(count: SecretBox.keyLength)
        let context = WrapContext(workspace: workspaceID, purpose: Self.sealingPurpose)
        let (facts, wrapped): (RootKeyFacts, WrappedRootKey)
        do {
            let provider = try provider(for: location.description)
            facts = try await provider.describe()
            wrapped = try await provider.wrap(sealingKey, context: context)
            guard try await provider.unwrap(wrapped, context: context).constantTimeEquals(sealingKey) else {
                throw RootKeyError(.networkError, "the provider's unwrap did not return the sealing key it wrapped")
            }
        } catch {
            throw Self.unavailable(location.description, error)
        }
        let state = try await admin {
            try await store.createRoot(
                workspaceID: workspaceID, uri: location.description, provider: location.provider, kekID: facts.kekID,
                kekVersion: wrapped.kekVersion, wrapped: wrapped.ciphertext, by: principal)
        }
        guard let active = state.activeWrap?.sealingKeyID else {
            throw AdminError(.corrupt, "the new workspace has no active sealing key")
        }
        sealer.install([active: sealingKey], active: active, workspaceID: workspaceID)
        self.state.withLock { current in
            current.rootState = state
            current.cachedAt = .now()
            current.staleSince = nil
            current.lastError = nil
        }
        return state
    }
}
