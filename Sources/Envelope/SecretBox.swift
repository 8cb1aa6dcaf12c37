import ActorKeys
internal import CSodium

/// SecretBox seals a short secret (a sealing key, an identity) under a 32-byte key with
/// XChaCha20-Poly1305 and a random 24-byte nonce, binding it to `associatedData`: the layout is
/// version byte `0x01`, nonce, ciphertext, tag. A box opened with other associated data (another
/// owner, version or workspace) or altered in any byte fails as `.malformedRecord`.
public enum SecretBox {
    public static let version: UInt8 = 1
    public static let keyLength = 32
    static let nonceLength = 24
    static let tagLength = 16
    /// Bytes added to the secret's length.
    public static let overhead = 1 + nonceLength + tagLength

    /// Seals `secret` under `key` (32 bytes).
    public static func seal(_ secret: SecretBytes, key: SecretBytes, associatedData: [UInt8]) -> [UInt8] {
        precondition(key.count == keyLength, "a secret box key is 32 bytes")
        Primitives.ensureInitialized()
        var box = [UInt8](repeating: 0, count: secret.count + overhead)
        box[0] = version
        box.withUnsafeMutableBytes { raw in
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            randombytes_buf(out + 1, nonceLength)
            let status = secret.withUnsafeBytes { plain in
                key.withUnsafeBytes { keyBytes in
                    associatedData.withUnsafeBytes { ad in
                        crypto_aead_xchacha20poly1305_ietf_encrypt(
                            out + 1 + nonceLength, nil, plain.bytePointer, UInt64(plain.count),
                            ad.bytePointer, UInt64(ad.count), nil, out + 1, keyBytes.bytePointer)
                    }
                }
            }
            precondition(status == 0, "XChaCha20-Poly1305 encryption failed")
        }
        return box
    }

    /// Opens a box sealed by `seal`; the secret is `box.count − overhead` bytes.
    public static func open(
        _ box: [UInt8], key: SecretBytes, associatedData: [UInt8]
    ) throws(EnvelopeError) -> SecretBytes {
        precondition(key.count == keyLength, "a secret box key is 32 bytes")
        guard box.count >= overhead else { throw EnvelopeError(.malformedRecord, "sealed secret is truncated") }
        guard box[0] == version else {
            throw EnvelopeError(.malformedRecord, "sealed secret has unknown version \(box[0])")
        }
        Primitives.ensureInitialized()
        var status: Int32 = -1
        let secret = box.withUnsafeBytes { sealed in
            SecretBytes(count: box.count - overhead) { out in
                status = key.withUnsafeBytes { keyBytes in
                    associatedData.withUnsafeBytes { ad in
                        crypto_aead_xchacha20poly1305_ietf_decrypt(
                            out.baseAddress?.assumingMemoryBound(to: UInt8.self), nil, nil,
                            sealed.bytePointer + 1 + nonceLength, UInt64(sealed.count - 1 - nonceLength),
                            ad.bytePointer, UInt64(ad.count), sealed.bytePointer + 1, keyBytes.bytePointer)
                    }
                }
            }
        }
        guard status == 0 else {
            throw EnvelopeError(.malformedRecord, "sealed secret does not open: wrong key, wrong binding or altered")
        }
        return secret
    }
}
