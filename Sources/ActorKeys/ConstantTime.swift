internal import CSodium

/// ConstantTime compares secrets and MACs without stopping at the first difference: the one
/// comparison of actorkeys (secret keys, header MACs, API token hashes).
public enum ConstantTime {
    /// Whether `lhs` and `rhs` are equal; their lengths are not secret.
    public static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard lhs.count > 0 else { return true }
        Sodium.ensureInitialized()
        return sodium_memcmp(lhs.baseAddress!, rhs.baseAddress!, lhs.count) == 0
    }

    /// The same for byte arrays and strings' UTF-8.
    public static func equal(_ lhs: some Sequence<UInt8>, _ rhs: some Sequence<UInt8>) -> Bool {
        let a = Array(lhs)
        let b = Array(rhs)
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in equal(x, y) } }
    }
}
