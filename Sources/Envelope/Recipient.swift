import ActorKeys

/// Recipient wraps a file key into the stanzas that let its identity recover it.
public protocol Recipient: Sendable {
    /// Returns one or more stanzas that wrap `fileKey` (16 bytes).
    func wrap(fileKey: SecretBytes) throws(EnvelopeError) -> [Stanza]

    /// age's recipient labels: every recipient of one file must have the same set, so that a
    /// post-quantum recipient (`postquantum`) is never mixed with a classic one, whose stanza
    /// would undo its protection. Most recipients have none.
    var labels: Set<String> { get }
}

extension Recipient {
    public var labels: Set<String> { [] }
}

/// Identity recovers the file key from the stanzas addressed to it.
public protocol Identity: Sendable {
    /// Returns the file key, or nil when no stanza is for this identity. Throws
    /// `.malformedHeader` when a stanza of its type breaks the rules of that type.
    func unwrap(stanzas: [Stanza]) throws(EnvelopeError) -> SecretBytes?
}
