/// SHA256 is SHA-256 (libsodium), for fingerprints, token hashes and the audit chain.
public enum SHA256 {
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { Sodium.sha256($0) }
    }

    public static func hash(_ text: String) -> [UInt8] { hash(Array(text.utf8)) }

    /// Lowercase hex of the digest.
    public static func hex(_ text: String) -> String { Hex.encode(hash(text)) }
}
