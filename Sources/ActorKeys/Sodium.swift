internal import CSodium

/// SodiumRuntime initializes libsodium, once per process, for every module that calls it:
/// libsodium cannot run without it.
public enum SodiumRuntime {
    @usableFromInline
    static let _initialized: Bool = sodium_init() >= 0

    @inlinable
    public static func ensureInitialized() {
        precondition(_initialized, "libsodium failed to initialize")
    }
}

/// Sodium is the only place in ActorKeys that calls libsodium directly.
enum Sodium {
    static func ensureInitialized() { SodiumRuntime.ensureInitialized() }

    static let x25519KeyLength = Int(crypto_scalarmult_curve25519_BYTES)

    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        ensureInitialized()
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        digest.withUnsafeMutableBytes { out in
            _ = crypto_hash_sha256(
                out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        }
        return digest
    }

    /// X25519(scalar, basepoint): the public key of a secret scalar.
    static func x25519Base(_ scalar: SecretBytes) -> [UInt8] {
        ensureInitialized()
        precondition(scalar.count == x25519KeyLength)
        var point = [UInt8](repeating: 0, count: x25519KeyLength)
        let status = point.withUnsafeMutableBytes { out in
            scalar.withUnsafeBytes { secret in
                crypto_scalarmult_curve25519_base(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    secret.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        precondition(status == 0, "X25519 base point multiplication failed")
        return point
    }

    /// X25519(scalar, point), or nil when the result is all zeros (a low-order point).
    static func x25519(_ scalar: SecretBytes, _ point: UnsafeRawBufferPointer) -> SecretBytes? {
        ensureInitialized()
        precondition(scalar.count == x25519KeyLength && point.count == x25519KeyLength)
        var status: Int32 = -1
        let shared = SecretBytes(count: x25519KeyLength) { out in
            scalar.withUnsafeBytes { secret in
                status = crypto_scalarmult_curve25519(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    secret.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    point.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        // libsodium returns -1 exactly when the output is all zeros (RFC 7748, section 6.1).
        return status == 0 ? shared : nil
    }

    static func memzero(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
    }
}
