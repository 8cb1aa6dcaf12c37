import ActorKeys
import Envelope
import Synchronization

/// EncryptorRegistry seals and opens records for every owner, caching what that needs: per
/// owner the data key it seals with, the identities loaded from disk, and a bounded set of
/// unwrapped data keys for opening.
///
/// - The hot path (a cache hit) takes one mutex for a dictionary lookup, never across I/O or
///   crypto, so a rotation cannot hold it up. Its entry points are `nonisolated(nonsending)`:
///   a hit runs on the caller's executor without a hop, and only a miss suspends.
/// - A miss loads once: concurrent callers for the same owner or data key wait for one load.
/// - `evict(_:)` drops an owner's sealing key, identities and data keys at once (their bytes are
///   zeroed when the last reference goes). Rotations in other processes are picked up by
///   `refresh()`, which `watch` runs on a timer and on store notifications.
public final class EncryptorRegistry: Sendable {
    private struct State {
        var sealing: [Owner: SealingKey] = [:]
        var minting: [Owner: Task<SealingKey, any Error>] = [:]
        var identities: [Owner: [Fingerprint: X25519Identity]] = [:]
        var opening: DataKeyCache
        /// Data keys being loaded, with the callers waiting for the one loading each.
        var loading: [DataKeyID: [CheckedContinuation<Void, Never>]] = [:]
        var generation: Int64?
        /// Whether an owner has an active key, as last read from the store.
        var hasActiveKey: [Owner: Bool] = [:]
        /// Bumped by every eviction, so a load that started before it does not cache stale keys.
        var epoch: [Owner: UInt64] = [:]
    }

    private let store: any KeyMaterialStore
    private let keyStore: KeyStore
    private let policy: DataKeyPolicy
    private let state: Mutex<State>
    private let counters = RegistryCounters()

    public init(store: any KeyMaterialStore, keyStore: KeyStore, policy: DataKeyPolicy = .default) {
        self.store = store
        self.keyStore = keyStore
        self.policy = policy
        self.state = Mutex(State(opening: DataKeyCache(capacity: policy.openCacheCapacity)))
    }

    /// Cache hits and misses, for metrics.
    public var statistics: RegistryStatistics { counters.snapshot }

    // MARK: Sealing

    /// Seals `plaintext` for `owner` and entry `entryID` into `output` (plaintext length +
    /// `RecordEnvelope.overhead`); returns the record length and the data key used.
    public nonisolated(nonsending) func seal(
        _ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, owner: Owner, entryID: String
    ) async throws(RegistryError) -> (length: Int, dataKey: DataKeyID) {
        let context = try Self.context(owner, entryID)
        let key = try await sealingKey(for: owner)
        do {
            let length = try RecordEnvelope.seal(plaintext, into: output, with: key.dataKey, context: context)
            return (length, key.dataKey.id)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    /// Seals `plaintext` into a new array.
    public nonisolated(nonsending) func seal(_ plaintext: [UInt8], owner: Owner, entryID: String) async throws(RegistryError) -> (record: [UInt8], dataKey: DataKeyID) {
        let context = try Self.context(owner, entryID)
        let key = try await sealingKey(for: owner)
        do {
            return (try RecordEnvelope.seal(plaintext, with: key.dataKey, context: context), key.dataKey.id)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    /// Seals a batch of records of `owner`, one per entry id, drawing their nonces in one go.
    /// Returns each record with the data key that sealed it: a part of the batch that the
    /// current data key's budget cannot hold goes under a fresh one.
    public nonisolated(nonsending) func seal(
        _ plaintexts: [[UInt8]], owner: Owner, entryIDs: [String]
    ) async throws(RegistryError) -> [(record: [UInt8], dataKey: DataKeyID)] {
        precondition(plaintexts.count == entryIDs.count, "one entry id per plaintext")
        var contexts: [RecordContext] = []
        contexts.reserveCapacity(entryIDs.count)
        for entryID in entryIDs { contexts.append(try Self.context(owner, entryID)) }
        var sealed: [(record: [UInt8], dataKey: DataKeyID)] = []
        sealed.reserveCapacity(plaintexts.count)
        var start = 0
        while start < plaintexts.count {
            let end = min(start + policy.maxRecords, plaintexts.count)
            let key = try await sealingKey(for: owner, records: end - start)
            do {
                let records = try RecordEnvelope.seal(Array(plaintexts[start..<end]), with: key.dataKey, contexts: Array(contexts[start..<end]))
                for record in records { sealed.append((record, key.dataKey.id)) }
            } catch {
                throw RegistryError(.malformedRecord, error.message)
            }
            start = end
        }
        return sealed
    }

    /// The owner's sealing key with `records` reserved (at most the policy's budget): from the
    /// cache, or freshly minted. The hit is synchronous: only a miss makes an async frame.
    @inline(__always)
    private nonisolated(nonsending) func sealingKey(for owner: Owner, records: Int = 1) async throws(RegistryError) -> SealingKey {
        precondition(records >= 1 && records <= policy.maxRecords)
        if let key = state.withLock({ $0.sealing[owner] }), key.reserve(records) {
            counters.hit()
            return key
        }
        return try await mintingKey(for: owner, records: records)
    }

    private nonisolated(nonsending) func mintingKey(for owner: Owner, records: Int) async throws(RegistryError) -> SealingKey {
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
    /// refuses a key wrapped only to versions destroyed meanwhile; the keyring is then read
    /// again, once.
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
                try await store.insertDataKey(StoredDataKey(
                    id: dataKey.id, owner: owner, wrapped: wrapped, fingerprints: recipients.map(\.fingerprint),
                    state: .sealing, createdAt: .now()))
                return dataKey
            } catch {
                if attempt >= 2 { throw error }
            }
        }
    }

    /// Whether `owner` has an active key (so its records can be sealed under its own key).
    /// Cached until the owner is evicted.
    public nonisolated(nonsending) func hasActiveKey(_ owner: Owner) async throws(RegistryError) -> Bool {
        let cached = state.withLock { state -> (Bool?, UInt64) in
            (state.sealing[owner] != nil ? true : state.hasActiveKey[owner], state.epoch[owner, default: 0])
        }
        if let known = cached.0 { return known }
        let active = try await store.keyring(for: owner).active != nil
        state.withLock { state in
            if state.epoch[owner, default: 0] == cached.1 { state.hasActiveKey[owner] = active }
        }
        return active
    }

    // MARK: Opening

    /// Opens `record` of `owner` and entry `entryID` into `output` (record length −
    /// `RecordEnvelope.overhead`); returns the plaintext length.
    public nonisolated(nonsending) func open(
        _ record: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, owner: Owner, entryID: String
    ) async throws(RegistryError) -> Int {
        let id = try Self.dataKeyID(of: record)
        let context = try Self.context(owner, entryID)
        let key: DataKey
        if let cached = try cachedOpeningKey(id, owner: owner) { key = cached } else { key = try await loadOpeningKey(id, owner: owner) }
        do {
            return try RecordEnvelope.open(record, into: output, with: key, context: context)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    /// Opens `record` into a new array.
    public nonisolated(nonsending) func open(_ record: [UInt8], owner: Owner, entryID: String) async throws(RegistryError) -> [UInt8] {
        let id = try record.withUnsafeBytes { raw in Swift.Result { () throws(RegistryError) in try Self.dataKeyID(of: raw) } }.get()
        let context = try Self.context(owner, entryID)
        let key: DataKey
        if let cached = try cachedOpeningKey(id, owner: owner) { key = cached } else { key = try await loadOpeningKey(id, owner: owner) }
        do {
            return try RecordEnvelope.open(record, with: key, context: context)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    /// Opens `record` into a new array when its data key is in the cache, without waiting for
    /// anything: for code that holds the record's bytes only briefly (a database row). Nil on a
    /// miss; `open` then loads the key.
    public func openIfCached(_ record: UnsafeRawBufferPointer, owner: Owner, entryID: String) throws(RegistryError) -> [UInt8]? {
        let id = try Self.dataKeyID(of: record)
        guard let key = try cachedOpeningKey(id, owner: owner) else { return nil }
        let context = try Self.context(owner, entryID)
        do {
            return try RecordEnvelope.open(record, with: key, context: context)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    private static func dataKeyID(of record: UnsafeRawBufferPointer) throws(RegistryError) -> DataKeyID {
        do {
            return try RecordEnvelope.dataKeyID(of: record)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    /// The unwrapped data key from the cache, or nil: the hot path, synchronous.
    @inline(__always)
    private func cachedOpeningKey(_ id: DataKeyID, owner: Owner) throws(RegistryError) -> DataKey? {
        guard let cached = state.withLock({ $0.opening.get(id) }) else { return nil }
        guard cached.owner == owner else { throw wrongOwner(id, owner) }
        counters.hit()
        return cached.key
    }

    /// The data key after a miss: loaded once however many callers want it.
    private nonisolated(nonsending) func loadOpeningKey(_ id: DataKeyID, owner: Owner) async throws(RegistryError) -> DataKey {
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

    /// Loads data key `id` of `owner` in one trip to the store: its wrapped form and the
    /// owner's keyring, then, where the store ran that lookup, the identity files it needs and
    /// the unwrap. Caches the key unless `owner` was evicted meanwhile.
    private func load(_ id: DataKeyID, owner: Owner, epoch: UInt64) async -> Result<DataKey, RegistryError> {
        let loaded: Result<DataKey, RegistryError>
        do {
            loaded = try await store.withDataKey(id: id) { stored, keyring in self.unwrap(id, owner: owner, stored: stored, keyring: keyring) }
        } catch {
            return .failure(error)
        }
        if case .success(let key) = loaded {
            state.withLock { state in
                if state.epoch[owner, default: 0] == epoch { state.opening.insert(key, owner: owner) }
            }
        }
        return loaded
    }

    /// Unwraps a stored data key with the owner's identities: those it is wrapped to first,
    /// read from disk once and kept until the owner is evicted. Blocking (file reads).
    private func unwrap(_ id: DataKeyID, owner: Owner, stored: StoredDataKey?, keyring: Keyring?) -> Result<DataKey, RegistryError> {
        guard let stored, let keyring else { return .failure(RegistryError(.unknownDataKey, "data key \(id) does not exist")) }
        guard stored.owner == owner else { return .failure(wrongOwner(id, owner)) }
        guard let wrapped = stored.wrapped, stored.state != .erased else {
            return .failure(RegistryError(.erased, "data key \(id) of \(owner) was erased"))
        }
        // The versions it is wrapped to first, then any other that is not destroyed.
        let live = keyring.versions.filter { $0.state != .destroyed }
        let ordered = live.filter { stored.fingerprints.contains($0.fingerprint) } + live.filter { !stored.fingerprints.contains($0.fingerprint) }
        var tried = 0
        for version in ordered {
            guard let identity = identity(of: owner, version) else { continue }
            tried += 1
            do {
                return .success(try DataKey.unwrap(wrapped, expectedID: id, with: [identity]))
            } catch where error.code == .noIdentityMatched {
                continue
            } catch {
                return .failure(RegistryError(.malformedRecord, "wrapped data key \(id): \(error.message)"))
            }
        }
        if tried == 0 {
            return .failure(RegistryError(.identityUnavailable, "no identity file of \(owner) is available to unwrap data key \(id)"))
        }
        return .failure(RegistryError(
            .identityUnavailable,
            "none of the identities of \(owner) unwraps data key \(id) (wrapped to \(stored.fingerprints.map(\.hex).joined(separator: ", ")))"))
    }

    /// A version's identity: cached, or read from its file with the recipient the keyring
    /// records (not derived again: a file that does not match simply unwraps nothing). Nil
    /// when the file is missing or unreadable, which matters only if no other version unwraps.
    private func identity(of owner: Owner, _ version: KeyVersion) -> X25519Identity? {
        if let cached = state.withLock({ $0.identities[owner]?[version.fingerprint] }) { return cached }
        let epoch = state.withLock { $0.epoch[owner, default: 0] }
        guard let identity = try? keyStore.loadIdentity(owner: owner, name: version.name, knownRecipient: version.recipient) else { return nil }
        state.withLock { state in
            if state.epoch[owner, default: 0] == epoch { state.identities[owner, default: [:]][version.fingerprint] = identity }
        }
        return identity
    }

    // MARK: Eviction

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

    // MARK: Helpers

    private static func context(_ owner: Owner, _ entryID: String) throws(RegistryError) -> RecordContext {
        do {
            return try RecordContext(owner: owner, entryID: entryID)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    private func wrongOwner(_ id: DataKeyID, _ owner: Owner) -> RegistryError {
        RegistryError(.wrongOwner, "data key \(id) does not belong to \(owner)")
    }

    private static func value<Value>(of task: Task<Value, any Error>) async throws(RegistryError) -> Value {
        do {
            return try await task.value
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.store, "\(error)")
        }
    }
}
