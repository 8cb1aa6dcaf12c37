import ActorKeys
import Envelope

/// DataKeyState is where a data key is in its life.
public enum DataKeyState: String, Sendable, Hashable, Codable, CaseIterable {
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

    public init(
        id: DataKeyID, owner: Owner, wrapped: [UInt8]?, fingerprints: [Fingerprint], state: DataKeyState,
        createdAt: Timestamp
    ) {
        self.id = id
        self.owner = owner
        self.wrapped = wrapped
        self.fingerprints = fingerprints
        self.state = state
        self.createdAt = createdAt
    }
}
