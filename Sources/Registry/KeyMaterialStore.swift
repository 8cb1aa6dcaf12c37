import ActorKeys
import Envelope

/// KeyChanges says which owners' keys changed since a generation the caller saw.
public struct KeyChanges: Sendable {
    public let generation: Int64
    public let owners: Set<Owner>

    public init(generation: Int64, owners: Set<Owner>) {
        self.generation = generation
        self.owners = owners
    }
}

/// KeyMaterialStore is what the registry needs from storage; the Ledger module implements it
/// on SQLite and PostgreSQL. Every method is a plain data operation: the registry does the
/// cryptography itself, on the caller's thread.
public protocol KeyMaterialStore: Sendable {
    /// Every version of `owner`'s key (empty when it has none).
    func keyring(for owner: Owner) async throws(RegistryError) -> Keyring
    /// A data key by id, or nil.
    func dataKey(id: DataKeyID) async throws(RegistryError) -> StoredDataKey?
    /// Data key `id` and its owner's keyring, read together (nil: no such data key). A store
    /// makes this one trip to its database: it is the whole of a registry cold miss's I/O.
    func dataKeyAndKeyring(id: DataKeyID) async throws(RegistryError) -> (StoredDataKey, Keyring)?
    /// Records a new data key (state `.sealing`) with `claim` records claimed, and closes the
    /// owner's other sealing keys: there is one current sealing key per owner. Fails with
    /// `.staleKeyring` when every key version it is wrapped to was destroyed meanwhile.
    func insertDataKey(_ key: StoredDataKey, claiming claim: Int) async throws(RegistryError)
    /// Claims `count` more records of sealing data key `id`, if it is still sealing, was made
    /// after `createdAfter`, and stays within `maxRecords` claimed in all; false otherwise.
    func claimRecords(
        of id: DataKeyID, count: Int, maxRecords: Int, createdAfter: Timestamp
    ) async throws(RegistryError) -> Bool
    /// Claims `count` records of `owner`'s newest sealing data key that is wrapped to
    /// `active` first, made after `createdAfter`, with room for them; nil when there is none.
    /// Atomic across processes: two claims never take the same records.
    func claimSealingKey(
        of owner: Owner, wrappedTo active: Fingerprint, count: Int, maxRecords: Int, createdAfter: Timestamp
    ) async throws(RegistryError) -> StoredDataKey?
    /// Replaces a data key's wrapped form, provided it is still wrapped to `expected`; false
    /// (changing nothing) when it was rewrapped, re-encrypted or erased meanwhile.
    func replaceWrapping(
        of id: DataKeyID, expected: [Fingerprint], wrapped: [UInt8], fingerprints: [Fingerprint]
    ) async throws(RegistryError) -> Bool
    /// The current key generation and the owners whose keys changed after `generation`
    /// (nil: just the current generation).
    func keyChanges(since generation: Int64?) async throws(RegistryError) -> KeyChanges
}

extension KeyMaterialStore {
    /// Two calls: for stores that cannot join the two reads.
    public func dataKeyAndKeyring(id: DataKeyID) async throws(RegistryError) -> (StoredDataKey, Keyring)? {
        guard let stored = try await dataKey(id: id) else { return nil }
        return (stored, try await keyring(for: stored.owner))
    }
}
