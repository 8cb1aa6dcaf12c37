internal import COpenSSL
internal import CSodium

#if canImport(Glibc)
import Glibc
#endif

/// RecordCipher is XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha, the construction of libsodium's
/// `crypto_aead_xchacha20poly1305_ietf_*`) for records, run by whichever library is faster for
/// the size (docs/decisions/0001): libsodium below 2 KiB, where OpenSSL's per-call set-up costs
/// more than it saves; from 2 KiB, HChaCha20 (libsodium) for the subkey and IETF
/// ChaCha20-Poly1305 through OpenSSL's EVP, up to 2.6 times faster. Each thread keeps one EVP
/// context, so neither path allocates. The bytes are the same either way; the tests check them
/// against libsodium in both directions.
enum RecordCipher {
    static let keyLength = 32
    static let nonceLength = 24
    static let tagLength = 16
    /// From this plaintext length on, OpenSSL is faster (measured crossover about 1.5 KiB).
    static let openSSLThreshold = 2048

    /// One EVP context per thread, freed with the thread.
    private static let contextKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { context in EVP_CIPHER_CTX_free(OpaquePointer(context)) }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    @inline(__always)
    private static func context() -> OpaquePointer {
        if let existing = pthread_getspecific(contextKey) { return OpaquePointer(existing) }
        let context = OpenSSLChaCha.newContext(encrypting: true)
        pthread_setspecific(contextKey, UnsafeRawPointer(context))
        return context
    }

    /// Keys the context with the HChaCha20 subkey for `nonce`, then zeroes the subkey.
    @inline(__always)
    private static func start(
        _ context: OpaquePointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawPointer, encrypting: Bool
    ) {
        precondition(key.count == keyLength)
        withUnsafeTemporaryAllocation(byteCount: keyLength + 12, alignment: 16) { scratch in
            let subkey = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let shortNonce = subkey + keyLength
            crypto_core_hchacha20(subkey, nonce.assumingMemoryBound(to: UInt8.self), key.bytePointer, nil)
            shortNonce.initialize(repeating: 0, count: 4)
            (shortNonce + 4).update(from: (nonce + 16).assumingMemoryBound(to: UInt8.self), count: 8)
            let status = EVP_CipherInit_ex2(context, nil, subkey, shortNonce, encrypting ? 1 : 0, nil)
            sodium_memzero(scratch.baseAddress!, keyLength)
            precondition(status == 1, "EVP_CipherInit_ex2 failed")
        }
    }

    /// Feeds the associated data, then `count` bytes of `input` through the keyed context into
    /// `output` (a stream cipher: as many bytes out as in).
    @inline(__always)
    private static func update(
        _ context: OpaquePointer, associatedData: UnsafeRawBufferPointer, _ input: UnsafePointer<UInt8>, count: Int,
        into output: UnsafeMutablePointer<UInt8>
    ) {
        var written: Int32 = 0
        if associatedData.count > 0 {
            precondition(
                EVP_CipherUpdate(context, nil, &written, associatedData.bytePointer, Int32(associatedData.count)) == 1)
        }
        if count > 0 {
            precondition(EVP_CipherUpdate(context, output, &written, input, Int32(count)) == 1 && Int(written) == count)
        }
    }

    /// Seals `plaintext` into `output` (plaintext.count + 16): ciphertext, then tag.
    static func seal(
        _ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, key: UnsafeRawBufferPointer,
        nonce: UnsafeRawPointer, associatedData: UnsafeRawBufferPointer
    ) {
        guard plaintext.count >= openSSLThreshold else {
            let status = crypto_aead_xchacha20poly1305_ietf_encrypt(
                output.assumingMemoryBound(to: UInt8.self), nil, plaintext.bytePointer, UInt64(plaintext.count),
                associatedData.bytePointer, UInt64(associatedData.count), nil,
                nonce.assumingMemoryBound(to: UInt8.self), key.bytePointer)
            precondition(status == 0, "XChaCha20-Poly1305 encryption failed")
            return
        }
        let context = context()
        start(context, key: key, nonce: nonce, encrypting: true)
        let out = output.assumingMemoryBound(to: UInt8.self)
        update(context, associatedData: associatedData, plaintext.bytePointer, count: plaintext.count, into: out)
        var final: Int32 = 0
        precondition(EVP_CipherFinal_ex(context, out + plaintext.count, &final) == 1 && final == 0)
        precondition(
            EVP_CIPHER_CTX_ctrl(context, actorkeys_evp_ctrl_aead_get_tag, Int32(tagLength), out + plaintext.count) == 1)
    }

    /// Opens `sealed` (ciphertext then tag) into `output` (sealed.count − 16); false when the tag
    /// does not verify, in which case `output` has been zeroed.
    static func open(
        _ sealed: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, key: UnsafeRawBufferPointer,
        nonce: UnsafeRawPointer, associatedData: UnsafeRawBufferPointer
    ) -> Bool {
        precondition(sealed.count >= tagLength)
        let length = sealed.count - tagLength
        guard length >= openSSLThreshold else {
            return crypto_aead_xchacha20poly1305_ietf_decrypt(
                output.assumingMemoryBound(to: UInt8.self), nil, nil, sealed.bytePointer, UInt64(sealed.count),
                associatedData.bytePointer, UInt64(associatedData.count), nonce.assumingMemoryBound(to: UInt8.self),
                key.bytePointer) == 0
        }
        let context = context()
        start(context, key: key, nonce: nonce, encrypting: false)
        let out = output.assumingMemoryBound(to: UInt8.self)
        update(context, associatedData: associatedData, sealed.bytePointer, count: length, into: out)
        let tag = UnsafeMutableRawPointer(mutating: sealed.baseAddress! + length)
        precondition(EVP_CIPHER_CTX_ctrl(context, actorkeys_evp_ctrl_aead_set_tag, Int32(tagLength), tag) == 1)
        var final: Int32 = 0
        var scratch: UInt8 = 0
        let verified =
            withUnsafeMutablePointer(to: &scratch) {
                EVP_CipherFinal_ex(context, length > 0 ? out + length : $0, &final)
            } == 1
        if !verified, length > 0 { sodium_memzero(output, length) }
        return verified
    }
}
