import ActorKeys
import Envelope
import Synchronization

/// EncryptorRegistry seals and opens records for every owner, caching what that needs: per
/// owner the data key it seals with, the identities it unsealed, and a bounded set of
/// unwrapped data keys for opening.
///
/// - The hot path (a cache hit) takes one mutex for a dictionary lookup, never across I/O or
///   crypto, so a rotation cannot hold it up. Its entry points are `nonisolated(nonsending)`:
///   a hit runs on the caller's executor without a hop, and only a miss suspends.
/// - A miss loads once: concurrent callers for the same owner or data key wait for one load.
/// The work is split by job: this file is the public seal/open API; minting sealing keys,
/// opening (single-flight loads, identities, unwrapping), rewrapping, and eviction with
/// cross-process refresh each have a file of their own.
///
/// - `evict(_:)` drops an owner's sealing key, identities and data keys at once (their bytes are
///   zeroed when the last reference goes). Rotations in other processes are picked up by
///   `refresh()`, which `watch` runs on a timer and on store notifications.
public final class EncryptorRegistry: Sendable {
    struct State {
        var sealing: [Owner: SealingKey] = [:]
        var minting: [Owner: Task<SealingKey, any Error>] = [:]
        var identities: [Owner: [Fingerprint: AgeIdentity]] = [:]
        var opening: DataKeyCache
        /// Data keys being loaded, with the callers waiting for the one loading each.
        var loading: [DataKeyID: [CheckedContinuation<Void, Never>]] = [:]
        var generation: Int64?
        /// Whether an owner has an active key, as last read from the store.
        var hasActiveKey: [Owner: Bool] = [:]
        /// Bumped by every eviction, so a load that started before it does not cache stale keys.
        var epoch: [Owner: UInt64] = [:]
    }

    let store: any KeyMaterialStore
    /// Unseals the identities the keyring rows carry.
    public let sealer: IdentitySealer
    let policy: DataKeyPolicy
    let state: Mutex<State>
    let counters = RegistryCounters()

    public init(store: any KeyMaterialStore, sealer: IdentitySealer, policy: DataKeyPolicy = .default) {
        self.store = store
        self.sealer = sealer
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
    public nonisolated(nonsending) func seal(
        _ plaintext: [UInt8], owner: Owner, entryID: String
    ) async throws(RegistryError) -> (record: [UInt8], dataKey: DataKeyID) {
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
                let records = try RecordEnvelope.seal(
                    Array(plaintexts[start..<end]), with: key.dataKey, contexts: Array(contexts[start..<end]))
                for record in records { sealed.append((record, key.dataKey.id)) }
            } catch {
                throw RegistryError(.malformedRecord, error.message)
            }
            start = end
        }
        return sealed
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
        if let cached = try cachedOpeningKey(id, owner: owner) {
            key = cached
        } else {
            key = try await loadOpeningKey(id, owner: owner)
        }
        do {
            return try RecordEnvelope.open(record, into: output, with: key, context: context)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    /// Opens `record` into a new array.
    public nonisolated(nonsending) func open(
        _ record: [UInt8], owner: Owner, entryID: String
    ) async throws(RegistryError) -> [UInt8] {
        let id = try record.withUnsafeBytes { raw in
            Swift.Result { () throws(RegistryError) in try Self.dataKeyID(of: raw) }
        }.get()
        let context = try Self.context(owner, entryID)
        let key: DataKey
        if let cached = try cachedOpeningKey(id, owner: owner) {
            key = cached
        } else {
            key = try await loadOpeningKey(id, owner: owner)
        }
        do {
            return try RecordEnvelope.open(record, with: key, context: context)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    /// Opens `record` into a new array when its data key is in the cache, without waiting for
    /// anything: for code that holds the record's bytes only briefly (a database row). Nil on a
    /// miss; `open` then loads the key.
    public func openIfCached(
        _ record: UnsafeRawBufferPointer, owner: Owner, entryID: String
    ) throws(RegistryError) -> [UInt8]? {
        let id = try Self.dataKeyID(of: record)
        guard let key = try cachedOpeningKey(id, owner: owner) else { return nil }
        let context = try Self.context(owner, entryID)
        do {
            return try RecordEnvelope.open(record, with: key, context: context)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    static func dataKeyID(of record: UnsafeRawBufferPointer) throws(RegistryError) -> DataKeyID {
        do {
            return try RecordEnvelope.dataKeyID(of: record)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    // MARK: Helpers

    static func context(_ owner: Owner, _ entryID: String) throws(RegistryError) -> RecordContext {
        do {
            return try RecordContext(owner: owner, entryID: entryID)
        } catch {
            throw RegistryError(.malformedRecord, error.message)
        }
    }

    func wrongOwner(_ id: DataKeyID, _ owner: Owner) -> RegistryError {
        RegistryError(.wrongOwner, "data key \(id) does not belong to \(owner)")
    }

    static func value<Value>(of task: Task<Value, any Error>) async throws(RegistryError) -> Value {
        do {
            return try await task.value
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.store, "\(error)")
        }
    }
}
