import ActorKeys

/// NewKeyVersion is a key version about to be recorded: its public half, and how to seal its
/// identity once the store has chosen the version number (the sealed box is bound to it). The
/// store records the row and the sealed identity in one transaction: one decision, nothing on a
/// disk to go out of step with it.
public struct NewKeyVersion: Sendable {
    public let owner: Owner
    public let name: KeyName
    public let recipient: AgeRecipient
    let identity: AgeIdentity
    let sealer: IdentitySealer

    public init(owner: Owner, name: KeyName, identity: AgeIdentity, sealer: IdentitySealer) {
        self.owner = owner
        self.name = name
        self.recipient = identity.recipient
        self.identity = identity
        self.sealer = sealer
    }

    public var fingerprint: Fingerprint { recipient.fingerprint }

    /// The identity sealed as version `version`.
    public func sealed(as version: Int) throws(RegistryError) -> SealedIdentity {
        try sealer.seal(identity, owner: owner, version: version)
    }
}
