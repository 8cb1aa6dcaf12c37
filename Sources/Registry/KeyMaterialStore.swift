import ActorKeys
import Envelope

/// KeyState is where a key version is in its life.
public enum KeyState: String, Sendable, Hashable, Codable {
    /// New data keys are wrapped to it. Exactly one version of an owner is active.
    case active
    /// It still unwraps the data keys wrapped to it; nothing new is wrapped to it alone.
    case decryptOnly = "decrypt-only"
    /// Its secret was erased; it unwraps nothing.
    case destroyed
}

/// KeyVersion is one version of an owner's key: public facts only. The identity itself is in
/// the key store, under the version's name.
public struct KeyVersion: Sendable, Hashable {
    public let owner: Owner
    public let version: Int
    public let name: KeyName
    public let recipient: X25519Recipient
    public let state: KeyState
    public let createdAt: Timestamp

    public init(owner: Owner, version: Int, name: KeyName, recipient: X25519Recipient, state: KeyState, createdAt: Timestamp) {
        self.owner = owner
        self.version = version
        self.name = name
        self.recipient = recipient
        self.state = state
        self.createdAt = createdAt
    }

    public var fingerprint: Fingerprint { recipient.fingerprint }
}

/// Keyring is every version of one owner's key, newest first.
public struct Keyring: Sendable {
    public let owner: Owner
    public let versions: [KeyVersion]

    public init(owner: Owner, versions: [KeyVersion]) {
        self.owner = owner
        self.versions = versions.sorted { $0.version > $1.version }
    }

    public var active: KeyVersion? { versions.first { $0.state == .active } }

    /// The versions a new data key is wrapped to: the active one and, during a rotation
    /// overlap, the previous one while it is still decrypt-only. A process that has not yet
    /// seen the rotation can then still unwrap what a process that has wrote.
    public var wrapVersions: [KeyVersion] {
        guard let active else { return [] }
        let previous = versions.first { $0.version < active.version && $0.state == .decryptOnly }
        return [active] + (previous.map { [$0] } ?? [])
    }

    public func version(with fingerprint: Fingerprint) -> KeyVersion? {
        versions.first { $0.fingerprint == fingerprint }
    }
}

/// DataKeyState is where a data key is in its life.
public enum DataKeyState: String, Sendable, Hashable, Codable {
    /// A process seals new records with it.
    case sealing
    /// It reached a limit or its owner rotated: it only opens records now.
    case closed
    /// Its records are being moved to fresh data keys (re-encryption); it still opens them.
    case replacing
    /// Its wrapped form was erased: the records it sealed cannot be opened again.
    case erased
}

/// StoredDataKey is a data key as the store keeps it: wrapped, with the fingerprints of the key
/// versions it is wrapped to.
public struct StoredDataKey: Sendable, Hashable {
    public let id: DataKeyID
    public let owner: Owner
    /// The age file holding the key; nil once erased.
    public let wrapped: [UInt8]?
    public let fingerprints: [Fingerprint]
    public let state: DataKeyState
    public let createdAt: Timestamp

    public init(id: DataKeyID, owner: Owner, wrapped: [UInt8]?, fingerprints: [Fingerprint], state: DataKeyState, createdAt: Timestamp) {
        self.id = id
        self.owner = owner
        self.wrapped = wrapped
        self.fingerprints = fingerprints
        self.state = state
        self.createdAt = createdAt
    }
}

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
/// on SQLite and PostgreSQL.
public protocol KeyMaterialStore: Sendable {
    /// Every version of `owner`'s key (empty when it has none).
    func keyring(for owner: Owner) async throws(RegistryError) -> Keyring
    /// A data key by id, or nil.
    func dataKey(id: DataKeyID) async throws(RegistryError) -> StoredDataKey?
    /// Records a new data key (state `.sealing`).
    func insertDataKey(_ key: StoredDataKey) async throws(RegistryError)
    /// Marks a sealing data key closed, with how many records this process sealed with it.
    func closeDataKey(id: DataKeyID, records: Int) async throws(RegistryError)
    /// The current key generation and the owners whose keys changed after `generation`
    /// (nil: just the current generation).
    func keyChanges(since generation: Int64?) async throws(RegistryError) -> KeyChanges
    /// Reads data key `id` and its owner's keyring together, and runs `body` with them where
    /// the store ran the lookup: the registry reads identity files and unwraps there, so a cold
    /// miss makes at most one trip off the caller's thread, not four (an embedded store may
    /// make none: a point read costs less than the thread switches).
    func withDataKey<Value: Sendable>(
        id: DataKeyID, _ body: @escaping @Sendable (StoredDataKey?, Keyring?) -> Value
    ) async throws(RegistryError) -> Value
}

extension KeyMaterialStore {
    /// Two calls, then `body` on the caller's thread: for stores without a blocking context.
    public func withDataKey<Value: Sendable>(
        id: DataKeyID, _ body: @escaping @Sendable (StoredDataKey?, Keyring?) -> Value
    ) async throws(RegistryError) -> Value {
        guard let stored = try await dataKey(id: id) else { return body(nil, nil) }
        return body(stored, try await keyring(for: stored.owner))
    }
}
