/// SealedIdentity is an identity as the database keeps it: its 32 secret bytes in a `SecretBox`
/// under one of the workspace's sealing keys, bound to the workspace, the owner, the version and
/// the fingerprint. It is not secret; without the sealing key it is noise.
public struct SealedIdentity: Sendable, Hashable {
    /// The sealing key it is sealed under (`sealing_keys.id`).
    public let sealingKeyID: Int64
    public let box: [UInt8]

    public init(sealingKeyID: Int64, box: [UInt8]) {
        self.sealingKeyID = sealingKeyID
        self.box = box
    }
}
