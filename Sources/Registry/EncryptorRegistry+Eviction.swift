import ActorKeys
import Envelope

extension EncryptorRegistry {
    /// Drops everything cached for `owner`: its sealing key, identities and unwrapped data keys.
    /// The next seal mints a data key wrapped to the owner's current keys.
    public func evict(_ owner: Owner) {
        state.withLock { state in
            state.epoch[owner, default: 0] &+= 1
            state.sealing[owner] = nil
            state.hasActiveKey[owner] = nil
            state.identities[owner] = nil
            state.opening.remove(owner: owner)
        }
    }

    /// Drops everything cached for every owner: the next use reloads keys from the store and
    /// the disk. Returns how many owners had something cached.
    @discardableResult
    public func evictAll() -> Int {
        state.withLock { state in
            let owners = Set(state.sealing.keys).union(state.identities.keys).union(state.hasActiveKey.keys)
            for owner in owners { state.epoch[owner, default: 0] &+= 1 }
            state.sealing.removeAll()
            state.hasActiveKey.removeAll()
            state.identities.removeAll()
            state.opening = DataKeyCache(capacity: state.opening.capacity)
            return owners.count
        }
    }

    /// Drops one data key from the opening cache (after it was erased).
    public func evict(dataKey id: DataKeyID) {
        state.withLock { $0.opening.remove(id) }
    }

    /// Asks the store which owners' keys changed since the last call, and evicts them.
    /// Returns the owners evicted.
    @discardableResult
    public func refresh() async throws(RegistryError) -> Set<Owner> {
        let seen = state.withLock { $0.generation }
        let changes = try await store.keyChanges(since: seen)
        guard seen != nil else {
            state.withLock { $0.generation = changes.generation }
            return []
        }
        for owner in changes.owners { evict(owner) }
        state.withLock { state in state.generation = max(state.generation ?? 0, changes.generation) }
        return changes.owners
    }

    /// Refreshes every `interval`, and at once whenever `wakeUps` yields (a PostgreSQL
    /// notification), until the task running it is cancelled.
    public func watch(every interval: Duration = .milliseconds(250), wakeUps: AsyncStream<Void>? = nil) async {
        _ = try? await refresh()
        await withTaskGroup(of: Void.self) { group in
            if let wakeUps {
                group.addTask {
                    for await _ in wakeUps { _ = try? await self.refresh() }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    _ = try? await self.refresh()
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
