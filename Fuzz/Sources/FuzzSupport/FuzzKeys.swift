import ActorKeys

/// FuzzKeys are the fixed keys the targets decrypt with, so that a seed made for them (see
/// Fuzz/README.md) reaches past the header MAC and into the payload. They protect nothing.
public enum FuzzKeys {
    /// Secret bytes 1, 2, …, 32; its recipient is `FuzzKeys.identity.recipient.encoded`.
    public static let identity = X25519Identity(secretKey: counting(from: 1))
    /// A post-quantum (mlkem768x25519) identity with seed 33, 34, …, 64.
    public static let hybridIdentity = HybridIdentity(seed: counting(from: 33))
    /// A payload or data key: bytes 101, 102, …, 132.
    public static let symmetricKey = counting(from: 101)

    static func counting(from first: UInt8) -> SecretBytes {
        let bytes = (0..<32).map { first &+ UInt8($0) }
        return SecretBytes(copying: bytes)
    }
}
