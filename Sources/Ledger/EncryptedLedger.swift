import ActorKeys
import Envelope
import Registry

/// EncryptedLedger is the ledger API: append entries (sealed per actor or under the shared key,
/// or in plaintext), read them back whatever their protection, list them.
///
/// An entry is sealed under its writer's own key when the writer has an active key, under the
/// shared key otherwise (an opt-in actor that has not opted in). Reads work on a mixed ledger:
/// plaintext rows, shared-key rows, per-actor rows under the active or older key versions, and
/// rows of shredded actors, which fail with `.shredded`.
public final class EncryptedLedger: Sendable {
    public let store: LedgerStore
    public let registry: EncryptorRegistry

    public init(store: LedgerStore, registry: EncryptorRegistry) {
        self.store = store
        self.registry = registry
    }

    /// Appends one entry; returns its id.
    public func append(_ entry: NewEntry) async throws(LedgerError) -> EntryID {
        try await append([entry])[0]
    }

    /// Appends entries in one transaction; returns their ids in order.
    public func append(_ entries: [NewEntry]) async throws(LedgerError) -> [EntryID] {
        guard !entries.isEmpty else { return [] }
        let writers = try await store.actors(Set(entries.map(\.actor)))
        for entry in entries {
            guard let writer = writers[entry.actor] else {
                throw LedgerError(.notFound, "actor \(entry.actor) does not exist")
            }
            guard !writer.isShredded else {
                throw LedgerError(.conflict, "actor \(entry.actor) was shredded and cannot write")
            }
        }
        let now = Timestamp.now()
        let ids = EntryID.generate(count: entries.count, at: now)
        // A data key erased between sealing and inserting (a concurrent re-encryption or shred)
        // makes the insert fail; sealing again picks a fresh key.
        for attempt in 1...3 {
            let stored = try await seal(entries, ids: ids, at: now)
            do {
                try await store.insert(stored)
                return ids
            } catch {
                guard error.code == .staleKeys, attempt < 3 else { throw error }
                for owner in Set(stored.compactMap(\.protection.owner)) { registry.evict(owner) }
            }
        }
        throw LedgerStore.dataKeyErased
    }

    /// Seals the entries to encrypt, a batch per owner, and returns every entry as stored.
    private func seal(
        _ entries: [NewEntry], ids: [EntryID], at time: Timestamp
    ) async throws(LedgerError) -> [StoredEntry] {
        var protections: [ActorID: Protection] = [:]
        var batches: [Owner: [Int]] = [:]
        for (index, entry) in entries.enumerated() where entry.encrypt {
            if protections[entry.actor] == nil { protections[entry.actor] = try await protection(for: entry.actor) }
            batches[protections[entry.actor]!.owner!, default: []].append(index)
        }
        var sealed: [(record: [UInt8], dataKey: DataKeyID)?] = Array(repeating: nil, count: entries.count)
        for (owner, indices) in batches {
            do {
                let records = try await registry.seal(
                    indices.map { entries[$0].payload }, owner: owner, entryIDs: indices.map { ids[$0].rawValue })
                for (index, record) in zip(indices, records) { sealed[index] = record }
            } catch {
                throw LedgerError(error, sealing: true)
            }
        }
        return entries.indices.map { index in
            let entry = entries[index]
            guard let (record, dataKey) = sealed[index] else {
                return StoredEntry(
                    id: ids[index], actor: entry.actor, kind: entry.kind, createdAt: time, protection: .plaintext,
                    dataKey: nil, format: entry.format, payload: entry.payload)
            }
            return StoredEntry(
                id: ids[index], actor: entry.actor, kind: entry.kind, createdAt: time,
                protection: protections[entry.actor]!, dataKey: dataKey, format: entry.format, payload: record)
        }
    }

    /// Whose key seals the writer's entries: its own when it has an active one.
    public func protection(for writer: ActorID) async throws(LedgerError) -> Protection {
        do {
            return try await registry.hasActiveKey(.actor(writer)) ? .actor(writer) : .shared
        } catch {
            throw LedgerError(error, sealing: true)
        }
    }

    /// An entry and its stored payload, not opened yet (nil: no such entry): for a caller that
    /// decides who may read it before it is opened.
    public func sealedEntry(_ id: EntryID) async throws(LedgerError) -> (entry: LedgerEntry, stored: [UInt8])? {
        try await store.entry(id)
    }

    /// Reads an entry and opens its payload.
    public func read(_ id: EntryID) async throws(LedgerError) -> ReadEntry {
        guard let (entry, stored) = try await store.entry(id) else {
            throw LedgerError(.notFound, "entry \(id) does not exist")
        }
        return ReadEntry(entry: entry, payload: try await open(entry, stored))
    }

    /// Reads entries by id in one trip to the database and opens their payloads. One result per
    /// id, in order: the entry, or why it cannot be read (not found, shredded, corrupt), so one
    /// bad row does not hide the others.
    public func read(_ ids: [EntryID]) async throws(LedgerError) -> [Result<ReadEntry, LedgerError>] {
        // Records whose data key is cached are opened where they lie, on the database's queue;
        // the others are copied out and opened after (loading their keys, explaining failures).
        let registry = self.registry
        let rows = try await store.entries(ids) { entry, stored -> FetchedPayload in
            guard let owner = entry.protection.owner else { return .opened(Array(stored)) }
            guard let opened = try? registry.openIfCached(stored, owner: owner, entryID: entry.id.rawValue) else {
                return .sealed(Array(stored))
            }
            return .opened(opened)
        }
        var results: [Result<ReadEntry, LedgerError>] = []
        results.reserveCapacity(ids.count)
        for (id, row) in zip(ids, rows) {
            switch row {
            case nil:
                results.append(.failure(LedgerError(.notFound, "entry \(id) does not exist")))
            case (let entry, .opened(let payload))?:
                results.append(.success(ReadEntry(entry: entry, payload: payload)))
            case (let entry, .sealed(let stored))?:
                do {
                    results.append(.success(ReadEntry(entry: entry, payload: try await open(entry, stored))))
                } catch {
                    results.append(.failure(error))
                }
            }
        }
        return results
    }

    /// A payload as the batch read fetched it: opened already, or still sealed.
    private enum FetchedPayload: Sendable {
        case opened([UInt8])
        case sealed([UInt8])
    }

    /// Opens a stored payload of `entry`.
    public func open(_ entry: LedgerEntry, _ stored: [UInt8]) async throws(LedgerError) -> [UInt8] {
        guard let owner = entry.protection.owner else { return stored }
        do {
            return try await registry.open(stored, owner: owner, entryID: entry.id.rawValue)
        } catch {
            throw try await explain(error, entry: entry, owner: owner)
        }
    }

    /// Turns a registry failure into what the reader needs to know, above all "shredded".
    private func explain(
        _ error: RegistryError, entry: LedgerEntry, owner: Owner
    ) async throws(LedgerError) -> LedgerError {
        if case .actor(let id) = owner, let actor = try await store.actor(id), actor.isShredded {
            return LedgerError(.shredded, "entry \(entry.id) cannot be read: its owner \(id) was shredded")
        }
        if error.code == .erased {
            return LedgerError(
                .corrupt, "entry \(entry.id) is under erased data key \(entry.dataKey.map(\.hex) ?? "?")")
        }
        let cause = LedgerError(error, sealing: false)
        return LedgerError(cause.code, "entry \(entry.id): \(error.message)")
    }

    /// Entries in order, optionally of one writer, after a sequence number.
    public func list(
        actor: ActorID? = nil, after sequence: Int64 = 0, limit: Int = 100
    ) async throws(LedgerError) -> [LedgerEntry] {
        try await store.entries(actor: actor, after: sequence, limit: limit)
    }
}
