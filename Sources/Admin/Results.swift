import ActorKeys
import Ledger
import Registry

/// Enrollment is an enrolled actor and, with `auto`, its first key.
public struct Enrollment: Sendable {
    public let actor: Actor
    public let key: KeyVersion?
}

/// KeyCreation is an actor's first key (opt-in).
public struct KeyCreation: Sendable {
    public let version: KeyVersion
}

/// Rotation is the outcome of a rotation: what is live now and what to do next.
public struct Rotation: Sendable {
    public let owner: Owner
    public let version: KeyVersion
    public let previous: KeyVersion

    /// What the operator should do next, true for this system: nothing needs restarting.
    public var nextStep: String {
        let flag = owner.actor.map { " --actor \($0)" } ?? ""
        let typeChanged = version.recipient.kind != previous.recipient.kind
        let wrapping =
            typeChanged
            ? "data keys minted from now on are wrapped to it alone (a \(previous.recipient.kind.rawValue) stanza beside a \(version.recipient.kind.rawValue) one is never written), "
            : "data keys minted from now on are wrapped to it (and to the previous key while both exist), "
        let postQuantum =
            typeChanged && version.recipient.kind.isPostQuantum
            ? " Rows under older data keys become post-quantum only with `actorkeys key reencrypt\(flag)`: a rewrap moves the data keys, not copies of their classic form made before."
            : ""
        return
            "The new key is live: " + wrapping
            + "and other processes switch within a second, with no restart. Every existing row stays readable. "
            + "To retire the previous key, run `actorkeys key rewrap\(flag)`, then `actorkeys key retire\(flag) --key \(previous.fingerprint)`."
            + postQuantum
    }
}

/// Shredding is what a shred erased.
public struct Shredding: Sendable {
    public let actor: ActorID
    public let outcome: ShredOutcome
}

/// CreatedToken is a new bearer token. `token` is shown once and never stored.
public struct CreatedToken: Sendable {
    public let id: String
    public let actor: ActorID
    public let token: String
}

/// Initialization is a new installation: its shared key and its bootstrap admin and token.
public struct Initialization: Sendable {
    public let home: String
    public let database: String
    public let sharedKey: KeyVersion
    /// The root key's URI (it holds no secret), the provider's id for it and its version.
    public let rootKey: String
    public let kekID: String
    public let kekVersion: String
    public let admin: ActorID
    public let token: CreatedToken
}
