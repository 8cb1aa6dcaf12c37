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
        while true {
            let task = state.withLock { state -> Task<SealingKey, any Error> in
                if let running = state.minting[owner] { return running }
                let current = state.sealing[owner]
                let epoch = state.epoch[owner, default: 0]
                let task = Task { try await self.replenish(owner, current: current, records: records, epoch: epoch) }
                state.minting[owner] = task
                return task
            }
            let key = try await Self.value(of: task)
            if key.reserve(records) { return key }
            // Other callers used up what was just claimed (small claims, many callers): again.
        }
    }

    /// Records to seal `records` with, found in this order: more of the key in hand, while the
    /// store still has it sealing, young enough and under its budget; else the owner's current
    /// sealing key, which another process minted (unwrapped once and adopted); else a new key.
    /// Only one such call runs per owner at a time.
    private func replenish(_ owner: Owner, current: SealingKey?, records: Int, epoch: UInt64) async throws -> SealingKey
    {
        defer { state.withLock { _ = $0.minting.removeValue(forKey: owner) } }
        // What the caller lacks, beyond what is claimed and unused; and what to claim: that, or
        // the key's growing claim size. Near the end of a key's budget a large claim may not fit
        // where the lacking records still do: then exactly those, so a key fills to its limit.
        let lacking = max(records - (current?.unused ?? 0), 1)
        let claim = min(current?.nextClaim(for: lacking) ?? records, policy.maxRecords)
        let youngest = Timestamp(
            millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - policy.maxAgeMilliseconds)
        // The key in hand, with more records: as good as a hit.
        if let current, !current.isExpired {
            for count in claim > lacking ? [claim, lacking] : [claim] {
                let claimed = try await store.claimRecords(
                    of: current.dataKey.id, count: count, maxRecords: policy.maxRecords, createdAfter: youngest)
                guard claimed else { continue }
                current.add(claimed: count)
                counters.hit()
                return current
            }
        }
        // Another key: the unused records of this one do not carry over.
        let fresh = min(max(claim, records), policy.maxRecords)
        counters.miss()
        let keyring = try await store.keyring(for: owner)
        guard let active = keyring.active else { throw RegistryError(.noActiveKey, "\(owner) has no active key") }
        let key: SealingKey
        if let adopted = try await store.claimSealingKey(
            of: owner, wrappedTo: active.fingerprint, count: fresh, maxRecords: policy.maxRecords,
            createdAfter: youngest)
        {
            let dataKey = try unwrap(adopted, owner: owner, keyring: keyring).get()
            key = SealingKey(dataKey: dataKey, claimed: fresh, createdAt: adopted.createdAt, policy: policy)
        } else {
            let (dataKey, createdAt) = try await storeNewDataKey(for: owner, keyring: keyring, claiming: fresh)
            key = SealingKey(dataKey: dataKey, claimed: fresh, createdAt: createdAt, policy: policy)
        }
        state.withLock { state in
            // An eviction meanwhile means the keyring may be stale: use the key for this call
            // (it is valid and stored) but do not cache it.
            guard state.epoch[owner, default: 0] == epoch else { return }
            state.sealing[owner] = key
            state.opening.insert(key.dataKey, owner: owner)
        }
        return key
    }

    /// Mints a data key wrapped to the owner's current wrap versions and stores it with
    /// `claim` records claimed; the store closes the owner's other sealing keys (full, too old,
    /// or wrapped to an older version). The store refuses a key wrapped only to versions
    /// destroyed meanwhile (`.staleKeyring`); the keyring is then read again, once. Any other
    /// failure is final.
    private func storeNewDataKey(
        for owner: Owner, keyring: Keyring, claiming claim: Int
    ) async throws(RegistryError) -> (DataKey, Timestamp) {
        var keyring = keyring
        var attempt = 0
        while true {
            attempt += 1
            let recipients = keyring.wrapVersions.map(\.recipient)
            guard !recipients.isEmpty else { throw RegistryError(.noActiveKey, "\(owner) has no active key") }
            let dataKey = DataKey.generate()
            let wrapped: [UInt8]
            do {
                wrapped = try dataKey.wrap(to: recipients)
            } catch {
                throw RegistryError(.store, "cannot wrap a data key for \(owner): \(error.message)")
            }
            let createdAt = Timestamp.now()
            do {
                try await store.insertDataKey(
                    StoredDataKey(
                        id: dataKey.id, owner: owner, wrapped: wrapped, fingerprints: recipients.map(\.fingerprint),
                        state: .sealing, createdAt: createdAt),
                    claiming: claim)
                return (dataKey, createdAt)
            } catch  where error.code == .staleKeyring && attempt < 2 {
                keyring = try await store.keyring(for: owner)
            }
        }
    }
}
