import ActorKeys
internal import CSodium

/// Primitives is the only place in Envelope where KDFs, MACs and the small AEADs are called and
/// where their labels appear. The bulk payload AEAD lives in `PayloadCipher`, and HPKE with the
/// X-Wing KEM (swift-crypto) in `XWingHPKE`.
enum Primitives {
    static let x25519Label = "age-encryption.org/v1/X25519"
    static let scryptLabel = "age-encryption.org/v1/scrypt"
    static let mlkem768x25519Label = "age-encryption.org/mlkem768x25519"
    static let headerInfo = "header"
    static let payloadInfo = "payload"

    static let fileKeyLength = 16
    static let keyLength = 32
    static let tagLength = 16

    @inline(__always)
    static func ensureInitialized() { SodiumRuntime.ensureInitialized() }

    /// CSPRNG output that is not secret (nonces, salts, ids).
    static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return bytes
    }

    /// HMAC-SHA-256 of `message` under `key` (OpenSSL; see `HMAC`).
    static func hmacSHA256(key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: HMAC.length) { output, count in
            HMAC.authenticate(key: key, message, into: output.baseAddress!)
            count = HMAC.length
        }
    }

    /// HKDF-SHA-256 (RFC 5869) with a 32-byte output: one HMAC for Extract, one for Expand.
    /// The pseudo-random key lives on the stack and is zeroed before returning.
    static func hkdf(ikm: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer, info: String) -> SecretBytes {
        ensureInitialized()
        return withUnsafeTemporaryAllocation(byteCount: HMAC.length, alignment: 16) { prk in
            HMAC.authenticate(key: salt, ikm, into: prk.baseAddress!)
            defer { sodium_memzero(prk.baseAddress!, prk.count) }
            var info = info
            return info.withUTF8 { infoBytes in
                var counter: UInt8 = 1
                return withUnsafeBytes(of: &counter) { counterByte in
                    SecretBytes(count: keyLength) { output in
                        HMAC.authenticate(
                            key: UnsafeRawBufferPointer(prk), UnsafeRawBufferPointer(infoBytes), counterByte,
                            into: output.baseAddress!)
                    }
                }
            }
        }
    }

    static func hkdf(ikm: SecretBytes, salt: [UInt8], info: String) -> SecretBytes {
        ikm.withUnsafeBytes { ikm in salt.withUnsafeBytes { hkdf(ikm: ikm, salt: $0, info: info) } }
    }

    /// ChaCha20-Poly1305 with the all-zero nonce, for wrapping a file key under a single-use key.
    static func sealWithZeroNonce(key: SecretBytes, plaintext: SecretBytes) -> [UInt8] {
        ensureInitialized()
        precondition(key.count == keyLength)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        let nonce = [UInt8](repeating: 0, count: Int(crypto_aead_chacha20poly1305_ietf_NPUBBYTES))
        let status = ciphertext.withUnsafeMutableBytes { out in
            key.withUnsafeBytes { key in
                plaintext.withUnsafeBytes { message in
                    crypto_aead_chacha20poly1305_ietf_encrypt(
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                        message.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(message.count),
                        nil, 0, nil, nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        precondition(status == 0, "ChaCha20-Poly1305 encryption failed")
        return ciphertext
    }

    /// Opens what `sealWithZeroNonce` made; nil when the tag does not verify.
    static func openWithZeroNonce(key: SecretBytes, ciphertext: [UInt8]) -> SecretBytes? {
        ensureInitialized()
        precondition(key.count == keyLength && ciphertext.count >= tagLength)
        let nonce = [UInt8](repeating: 0, count: Int(crypto_aead_chacha20poly1305_ietf_NPUBBYTES))
        var status: Int32 = -1
        let plaintext = SecretBytes(count: ciphertext.count - tagLength) { out in
            key.withUnsafeBytes { key in
                ciphertext.withUnsafeBytes { sealed in
                    status = crypto_aead_chacha20poly1305_ietf_decrypt(
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, nil,
                        sealed.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(sealed.count),
                        nil, 0, nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        return status == 0 ? plaintext : nil
    }

    /// scrypt(N = 2^logN, r = 8, p = 1) into a 32-byte key; nil when libsodium refuses the
    /// parameters (for example, not enough memory).
    static func scrypt(passphrase: SecretBytes, salt: [UInt8], logN: Int) -> SecretBytes? {
        ensureInitialized()
        precondition((1...30).contains(logN))
        var status: Int32 = -1
        let key = SecretBytes(count: keyLength) { out in
            passphrase.withUnsafeBytes { password in
                salt.withUnsafeBytes { salt in
                    status = crypto_pwhash_scryptsalsa208sha256_ll(
                        password.bytePointer, password.count,
                        salt.baseAddress!.assumingMemoryBound(to: UInt8.self), salt.count,
                        UInt64(1) << UInt64(logN), 8, 1,
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count)
                }
            }
        }
        return status == 0 ? key : nil
    }

    /// Zeroes an array that held secret material, in place.
    static func zeroize(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { sodium_memzero(base, $0.count) } }
    }

    /// Compares two equal-length public values (MACs) in constant time.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        !lhs.isEmpty && ConstantTime.equal(lhs, rhs)
    }
}
