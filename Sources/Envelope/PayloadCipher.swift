internal import COpenSSL
import ActorKeys

/// PayloadCipher is ChaCha20-Poly1305 (RFC 8439) through OpenSSL's EVP interface, for the bulk
/// of the data: STREAM chunks. On the machines we measured, libcrypto 3.0 runs it about three
/// times faster than libsodium on 64 KiB buffers (see docs/decisions/0001-aead-backend.md).
///
/// One instance owns one `EVP_CIPHER_CTX`, keyed once; each call only sets a new nonce. It is
/// not thread-safe: use one per stream.
final class PayloadCipher {
    enum Direction { case seal, open }

    static let nonceLength = 12
    static let tagLength = 16

    // Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every initialization.
    nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil)

    private let context: OpaquePointer
    private let direction: Direction

    init(key: SecretBytes, direction: Direction) {
        precondition(key.count == 32, "ChaCha20-Poly1305 keys are 32 bytes")
        guard let algorithm = Self.algorithm, let context = EVP_CIPHER_CTX_new() else {
            fatalError("libcrypto has no ChaCha20-Poly1305")
        }
        self.context = context
        self.direction = direction
        let status = key.withUnsafeBytes { key in
            EVP_CipherInit_ex2(context, algorithm, key.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                               direction == .seal ? 1 : 0, nil)
        }
        precondition(status == 1, "EVP_CipherInit_ex2 failed")
    }

    deinit {
        // EVP_CIPHER_CTX_free cleanses the key schedule before releasing it.
        EVP_CIPHER_CTX_free(context)
    }

    /// Encrypts `plaintext` into `output` (plaintext length + 16): ciphertext, then tag.
    func seal(_ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, nonce: UnsafeRawBufferPointer) {
        precondition(direction == .seal && nonce.count == Self.nonceLength && output.count == plaintext.count + Self.tagLength)
        var status = EVP_CipherInit_ex2(context, nil, nil, nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), 1, nil)
        precondition(status == 1, "EVP_CipherInit_ex2 failed")
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written: Int32 = 0
        if plaintext.count > 0 {
            status = EVP_CipherUpdate(context, out, &written, plaintext.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(plaintext.count))
            precondition(status == 1 && Int(written) == plaintext.count, "EVP_CipherUpdate failed")
        }
        var finalWritten: Int32 = 0
        status = EVP_CipherFinal_ex(context, out + Int(written), &finalWritten)
        precondition(status == 1 && finalWritten == 0, "EVP_CipherFinal_ex failed")
        status = EVP_CIPHER_CTX_ctrl(context, actorkeys_evp_ctrl_aead_get_tag, Int32(Self.tagLength), out + plaintext.count)
        precondition(status == 1, "reading the Poly1305 tag failed")
    }

    /// Decrypts and verifies `sealed` (ciphertext then tag) into `output` (sealed length − 16).
    /// Returns false when the tag does not verify; `output` must then be discarded.
    func open(_ sealed: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, nonce: UnsafeRawBufferPointer) -> Bool {
        precondition(direction == .open && nonce.count == Self.nonceLength)
        precondition(sealed.count >= Self.tagLength && output.count == sealed.count - Self.tagLength)
        let length = sealed.count - Self.tagLength
        var status = EVP_CipherInit_ex2(context, nil, nil, nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), 0, nil)
        precondition(status == 1, "EVP_CipherInit_ex2 failed")
        let input = sealed.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var written: Int32 = 0
        if length > 0 {
            status = EVP_CipherUpdate(context, out, &written, input, Int32(length))
            precondition(status == 1 && Int(written) == length, "EVP_CipherUpdate failed")
        }
        status = EVP_CIPHER_CTX_ctrl(context, actorkeys_evp_ctrl_aead_set_tag, Int32(Self.tagLength), UnsafeMutableRawPointer(mutating: input + length))
        precondition(status == 1, "setting the Poly1305 tag failed")
        var finalWritten: Int32 = 0
        var scratch: UInt8 = 0
        return withUnsafeMutablePointer(to: &scratch) { fallback in
            EVP_CipherFinal_ex(context, out.map { $0 + Int(written) } ?? fallback, &finalWritten) == 1
        }
    }
}
