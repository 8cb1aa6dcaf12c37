import ActorKeys

/// RootKeyRecord is a root key the workspace uses or used: its URI (which holds no secret), the
/// provider's id for it, and when it was configured and last rotated.
public struct RootKeyRecord: Sendable, Hashable {
    public enum State: String, Sendable {
        /// It wraps the sealing keys every process unwraps.
        case active
        /// `root set` is moving the workspace to it; not used until it becomes active.
        case pending
        /// Replaced; its wrapped forms are gone.
        case retired
    }

    public let id: Int64
    public let uri: String
    public let provider: String
    public let kekID: String
    public let state: State
    public let configuredAt: Timestamp
    public let configuredBy: String?
    public let rotatedAt: Timestamp?
    /// The provider configuration's fields that are not secret, as JSON, when it was configured
    /// through the API; nil when it was named by a URI alone (`init`, `root set`).
    public let fields: String?
}

/// SealingKeyWrap is one sealing key wrapped by one root key, as the provider returned it.
public struct SealingKeyWrap: Sendable, Hashable {
    public enum SealingState: String, Sendable {
        /// New identities are sealed under it.
        case active
        /// A reseal is moving identities off it; it still unseals them.
        case retiring
        /// No identity is sealed under it any more.
        case retired
    }

    public let sealingKeyID: Int64
    public let sealingState: SealingState
    public let rootKeyID: Int64
    public let kekVersion: String
    public let wrapped: [UInt8]
    public let wrappedAt: Timestamp
}

/// RootState is what a process needs to start unsealing: the workspace id, the active root key
/// and the wrapped forms, under it, of every sealing key still in use.
public struct RootState: Sendable, Hashable {
    public let workspaceID: String
    public let root: RootKeyRecord
    public let wraps: [SealingKeyWrap]

    public var activeWrap: SealingKeyWrap? { wraps.first { $0.sealingState == .active } }
}
