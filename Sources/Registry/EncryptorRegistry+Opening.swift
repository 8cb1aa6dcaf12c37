import ActorKeys
import Envelope

extension EncryptorRegistry {
    /// The unwrapped data key from the cache, or nil: the hot path, synchronous.
    @inline(__always)
    func cachedOpeningKey(_ id: DataKeyID, owner: Owner) throws(RegistryError) -> DataKey? {
        guard let cached = state.withLock({ $0.opening.get(id) }) else { return nil }
        guard cached.owner == owner else { throw wrongOwner(id, owner) }
        counters.hit()
        return cached.key
    }

    /// The data key after a miss: loaded once however many callers want it.
    nonisolated(nonsending) func loadOpeningKey(_ id: DataKeyID, owner: Owner) async throws(RegistryError) -> DataKey {
        counters.miss()
        // Single flight without a task: the first caller loads on its own thread; the others
        // wait to be woken and then find the key in the cache (or load again if it failed).
        while true {
            let leads = state.withLock { state -> Bool in
                guard state.loading[id] == nil else { return false }
                state.loading[id] = []
                return true
            }
            if leads {
                let epoch = state.withLock { $0.epoch[owner, default: 0] }
                let loaded = await load(id, owner: owner, epoch: epoch)
                for waiter in state.withLock({ $0.loading.removeValue(forKey: id) ?? [] }) { waiter.resume() }
                return try loaded.get()
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { state -> Bool in
                    guard state.loading[id] != nil else { return false }
                    state.loading[id]!.append(continuation)
                    return true
                }
                if !waiting { continuation.resume() }
            }
            if let cached = state.withLock({ $0.opening.get(id) }) {
                guard cached.owner == owner else { throw wrongOwner(id, owner) }
                return cached.key
            }
        }
    }

    /// Loads data key `id` of `owner`: one trip to the store for its wrapped form and the
    /// owner's keyring, then the identities it needs and the unwrap, here on the caller's
    /// thread (an X25519 multiplication, and on the first use of a version a read of its small
    /// identity file). Caches the key unless `owner` was evicted meanwhile.
    private nonisolated(nonsending) func load(
        _ id: DataKeyID, owner: Owner, epoch: UInt64
    ) async -> Result<DataKey, RegistryError> {
        let found: (StoredDataKey, Keyring)?
        do {
            found = try await store.dataKeyAndKeyring(id: id)
        } catch {
            return .failure(error)
        }
        guard let (stored, keyring) = found else {
            return .failure(RegistryError(.unknownDataKey, "data key \(id) does not exist"))
        }
        let loaded = unwrap(stored, owner: owner, keyring: keyring)
        if case .success(let key) = loaded {
            state.withLock { state in
                if state.epoch[owner, default: 0] == epoch { state.opening.insert(key, owner: owner) }
            }
        }
        return loaded
    }

    /// Unwraps a stored data key with the owner's identities: those it is wrapped to first,
    /// unsealed once and kept until the owner is evicted.
    func unwrap(_ stored: StoredDataKey, owner: Owner, keyring: Keyring) -> Result<DataKey, RegistryError> {
        withIdentities(of: stored, owner: owner, keyring: keyring) { wrapped, identity throws(EnvelopeError) in
            try DataKey.unwrap(wrapped, expectedID: stored.id, with: [identity])
        }
    }

    /// Runs `body` on a stored data key's wrapped form with each of the owner's identities in
    /// turn (those it is wrapped to first, unsealed once and kept until the owner is evicted)
    /// until one matches: what unwrapping and rewrapping share.
    func withIdentities<Value>(
        of stored: StoredDataKey, owner: Owner, keyring: Keyring,
        _ body: ([UInt8], AgeIdentity) throws(EnvelopeError) -> Value
    ) -> Result<Value, RegistryError> {
        let id = stored.id
        guard stored.owner == owner else { return .failure(wrongOwner(id, owner)) }
        guard let wrapped = stored.wrapped, stored.state != .erased else {
            return .failure(RegistryError(.erased, "data key \(id) of \(owner) was erased"))
        }
        // The versions it is wrapped to first, then any other that is not destroyed.
        let live = keyring.versions.filter { $0.state != .destroyed }
        let ordered =
            live.filter { stored.fingerprints.contains($0.fingerprint) }
            + live.filter { !stored.fingerprints.contains($0.fingerprint) }
        var tried = 0
        var unavailable: RegistryError?
        for version in ordered {
            let identity: AgeIdentity
            do {
                identity = try self.identity(of: owner, version)
            } catch {
                if unavailable == nil || error.code == .rootKeyUnavailable { unavailable = error }
                continue
            }
            tried += 1
            do {
                return .success(try body(wrapped, identity))
            } catch  where error.code == .noIdentityMatched {
                continue
            } catch  where error.code == .invalidArgument {
                // Not the stored key's fault: a new header could not be made (an invalid recipient).
                return .failure(RegistryError(.store, "cannot wrap data key \(id) for \(owner): \(error.message)"))
            } catch {
                return .failure(RegistryError(.malformedRecord, "wrapped data key \(id): \(error.message)"))
            }
        }
        if tried == 0 {
            return .failure(
                unavailable?.code == .rootKeyUnavailable
                    ? unavailable!
                    : RegistryError(
                        .identityUnavailable,
                        "no identity of \(owner) is available to unwrap data key \(id)"
                            + (unavailable.map { ": \($0.message)" } ?? "")))
        }
        return .failure(
            RegistryError(
                .identityUnavailable,
                "none of the identities of \(owner) unwraps data key \(id) (wrapped to \(stored.fingerprints.map(\.hex).joined(separator: ", ")))"
                    + (unavailable.map { "; \($0.message)" } ?? "")))
    }

    /// A version's identity: cached, or unsealed from its keyring row with the recipient the
    /// row records (not derived again: a box that opens is bound to that fingerprint).
    func identity(of owner: Owner, _ version: KeyVersion) throws(RegistryError) -> AgeIdentity {
        if let cached = state.withLock({ $0.identities[owner]?[version.fingerprint] }) { return cached }
        let epoch = state.withLock { $0.epoch[owner, default: 0] }
        let identity = try sealer.unseal(version)
        state.withLock { state in
            if state.epoch[owner, default: 0] == epoch {
                state.identities[owner, default: [:]][version.fingerprint] = identity
            }
        }
        return identity
    }
}
