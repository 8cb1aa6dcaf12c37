import ActorKeys
import Envelope

extension EncryptorRegistry {
    /// The owner's sealing key with `records` reserved (at most the policy's budget): from the
    /// cache, or freshly minted. The hit is synchronous: only a miss makes an async frame.
    @inline(__always)
    nonisolated(nonsending) func sealingKey(
        for owner: Owner, records: Int = 1
    ) async throws(RegistryError) -> SealingKey {
        precondition(records >= 1 && records <= policy.maxRecords)
        if let key = state.withLock({ $0.sealing[owner] }), key.reserve(records) {
            counters.hit()
            return key
        }
        return try await mintingKey(for: owner, records: records)
    }

    private nonisolated(nonsending) func mintingKey(
        for owner: Owner, records: Int
    ) async throws(RegistryError) -> SealingKey {
        counters.miss()
        while true {
            let task = state.withLock { state -> Task<SealingKey, any Error> in
                if let running = state.minting[owner] { return running }
                let exhausted = state.sealing[owner]
                let epoch = state.epoch[owner, default: 0]
                let task = Task { try await self.mint(for: owner, replacing: exhausted, epoch: epoch) }
                state.minting[owner] = task
                return task
            }
            let key = try await Self.value(of: task)
            if key.reserve(records) { return key }
            // Another caller used up the fresh key's budget first (tiny budgets): mint again.
        }
    }

    private func mint(for owner: Owner, replacing exhausted: SealingKey?, epoch: UInt64) async throws -> SealingKey {
        defer { state.withLock { _ = $0.minting.removeValue(forKey: owner) } }
        let dataKey = try await storeNewDataKey(for: owner)
        let key = SealingKey(dataKey: dataKey, policy: policy)
        state.withLock { state in
            // An eviction while minting means the keyring may be stale: use the key once
            // (it is valid and stored) but do not cache it.
            guard state.epoch[owner, default: 0] == epoch else { return }
            state.sealing[owner] = key
            state.opening.insert(dataKey, owner: owner)
        }
        if let exhausted {
            try? await store.closeDataKey(id: exhausted.dataKey.id, records: exhausted.records)
        }
        return key
    }

    /// Mints a data key wrapped to the owner's current wrap versions and stores it. The store
    /// refuses a key wrapped only to versions destroyed meanwhile (`.staleKeyring`); the keyring
    /// is then read again, once. Any other failure is final.
    private func storeNewDataKey(for owner: Owner) async throws(RegistryError) -> DataKey {
        var attempt = 0
        while true {
            attempt += 1
            let recipients = try await store.keyring(for: owner).wrapVersions.map(\.recipient)
            guard !recipients.isEmpty else { throw RegistryError(.noActiveKey, "\(owner) has no active key") }
            let dataKey = DataKey.generate()
            let wrapped: [UInt8]
            do {
                wrapped = try dataKey.wrap(to: recipients)
            } catch {
                throw RegistryError(.store, "cannot wrap a data key for \(owner): \(error.message)")
            }
            do {
                try await store.insertDataKey(
                    StoredDataKey(
                        id: dataKey.id, owner: owner, wrapped: wrapped, fingerprints: recipients.map(\.fingerprint),
                        state: .sealing, createdAt: .now()))
                return dataKey
            } catch  where error.code == .staleKeyring && attempt < 2 {
                continue
            }
        }
    }
}
