import ActorKeys
import Envelope

/// KeyState is where a key version is in its life.
public enum KeyState: String, Sendable, Hashable, Codable, CaseIterable {
    /// New data keys are wrapped to it. Exactly one version of an owner is active.
    case active
    /// It still unwraps the data keys wrapped to it; nothing new is wrapped to it alone.
    case decryptOnly = "decrypt-only"
    /// Its secret was erased; it unwraps nothing.
    case destroyed
}

/// KeyVersion is one version of an owner's key: public facts, and its identity sealed under a
/// workspace sealing key (nil once destroyed).
public struct KeyVersion: Sendable, Hashable {
    public let owner: Owner
    public let version: Int
    public let name: KeyName
    public let recipient: AgeRecipient
    public let state: KeyState
    public let createdAt: Timestamp
    public let sealed: SealedIdentity?

    public init(
        owner: Owner, version: Int, name: KeyName, recipient: AgeRecipient, state: KeyState, createdAt: Timestamp,
        sealed: SealedIdentity?
    ) {
        self.owner = owner
        self.version = version
        self.name = name
        self.recipient = recipient
        self.state = state
        self.createdAt = createdAt
        self.sealed = sealed
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
    ///
    /// Not when the rotation changed the key type: a post-quantum stanza next to a classic one
    /// would be no stronger than the classic one (age refuses to mix them), so from a rotation
    /// to post-quantum on, new data keys are wrapped to the active version alone. Nothing is
    /// lost: a cold miss reads the keyring with the data key, so every process unwraps them.
    public var wrapVersions: [KeyVersion] {
        guard let active else { return [] }
        // The version just before the active one, and only if it is of the same type.
        guard let previous = versions.first(where: { $0.version < active.version && $0.state == .decryptOnly }),
            previous.recipient.kind == active.recipient.kind
        else { return [active] }
        return [active, previous]
    }

    public func version(with fingerprint: Fingerprint) -> KeyVersion? {
        versions.first { $0.fingerprint == fingerprint }
    }
}
