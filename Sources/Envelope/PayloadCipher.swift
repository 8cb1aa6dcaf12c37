import ActorKeys
internal import COpenSSL
internal import CSodium

/// PayloadCipher is ChaCha20-Poly1305 (RFC 8439) for STREAM chunks, through OpenSSL's EVP
/// interface, which runs it 2.3 to 2.6 times faster than libsodium on 64 KiB chunks here. For a
/// payload known to be small (a wrapped data key, under 2 KiB) libsodium is used instead: it is
/// faster on short inputs and needs no EVP context (docs/decisions/0001). The bytes are the same.
///
/// One instance owns one `EVP_CIPHER_CTX`, keyed once; each call only sets a new nonce. It is
/// not thread-safe: use one per stream.
final class PayloadCipher {
    enum Direction { case seal, open }

    static let nonceLength = 12
    static let tagLength = 16
    /// Below this payload size, libsodium is faster than setting up an EVP context.
    static let smallPayload = 2048

    private let direction: Direction
    /// The EVP context; nil on the libsodium path.
    private let context: OpaquePointer?
    /// The key, kept only on the libsodium path.
    private let key: SecretBytes?

    /// `expectedSize`, when known, picks libsodium for small payloads.
    init(key: SecretBytes, direction: Direction, expectedSize: Int? = nil) {
        precondition(key.count == 32, "ChaCha20-Poly1305 keys are 32 bytes")
        self.direction = direction
        if let expectedSize, expectedSize < Self.smallPayload {
            context = nil
            self.key = key
            return
        }
        let context = OpenSSLChaCha.newContext(encrypting: direction == .seal)
        self.context = context
        self.key = nil
        let status = key.withUnsafeBytes { key in EVP_CipherInit_ex2(context, nil, key.bytePointer, nil, -1, nil) }
        precondition(status == 1, "EVP_CipherInit_ex2 failed")
    }

    deinit {
        // EVP_CIPHER_CTX_free cleanses the key schedule before releasing it.
        if let context { EVP_CIPHER_CTX_free(context) }
    }

    /// Encrypts `plaintext` into `output` (plaintext length + 16): ciphertext, then tag.
    func seal(
        _ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, nonce: UnsafeRawBufferPointer
    ) {
        precondition(
            direction == .seal && nonce.count == Self.nonceLength && output.count == plaintext.count + Self.tagLength)
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard let context else {
            let status = key!.withUnsafeBytes { key in
                crypto_aead_chacha20poly1305_ietf_encrypt(
                    out, nil, plaintext.bytePointer, UInt64(plaintext.count), nil, 0, nil, nonce.bytePointer,
                    key.bytePointer)
            }
            precondition(status == 0, "ChaCha20-Poly1305 encryption failed")
            return
        }
        var status = EVP_CipherInit_ex2(context, nil, nil, nonce.bytePointer, 1, nil)
        precondition(status == 1, "EVP_CipherInit_ex2 failed")
        var written: Int32 = 0
        if plaintext.count > 0 {
            status = EVP_CipherUpdate(context, out, &written, plaintext.bytePointer, Int32(plaintext.count))
            precondition(status == 1 && Int(written) == plaintext.count, "EVP_CipherUpdate failed")
        }
        var finalWritten: Int32 = 0
        status = EVP_CipherFinal_ex(context, out + Int(written), &finalWritten)
        precondition(status == 1 && finalWritten == 0, "EVP_CipherFinal_ex failed")
        status = EVP_CIPHER_CTX_ctrl(
            context, actorkeys_evp_ctrl_aead_get_tag, Int32(Self.tagLength), out + plaintext.count)
        precondition(status == 1, "reading the Poly1305 tag failed")
    }

    /// Decrypts and verifies `sealed` (ciphertext then tag) into `output` (sealed length − 16).
    /// Returns false when the tag does not verify; `output` must then be discarded.
    func open(
        _ sealed: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, nonce: UnsafeRawBufferPointer
    ) -> Bool {
        precondition(direction == .open && nonce.count == Self.nonceLength)
        precondition(sealed.count >= Self.tagLength && output.count == sealed.count - Self.tagLength)
        let length = sealed.count - Self.tagLength
        var scratch: UInt8 = 0
        return withUnsafeMutablePointer(to: &scratch) { fallback in
            let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? fallback
            guard let context else {
                return key!.withUnsafeBytes { key in
                    crypto_aead_chacha20poly1305_ietf_decrypt(
                        out, nil, nil, sealed.bytePointer, UInt64(sealed.count), nil, 0, nonce.bytePointer,
                        key.bytePointer) == 0
                }
            }
            var status = EVP_CipherInit_ex2(context, nil, nil, nonce.bytePointer, 0, nil)
            precondition(status == 1, "EVP_CipherInit_ex2 failed")
            var written: Int32 = 0
            if length > 0 {
                status = EVP_CipherUpdate(context, out, &written, sealed.bytePointer, Int32(length))
                precondition(status == 1 && Int(written) == length, "EVP_CipherUpdate failed")
            }
            let tag = UnsafeMutableRawPointer(mutating: sealed.baseAddress! + length)
            status = EVP_CIPHER_CTX_ctrl(context, actorkeys_evp_ctrl_aead_set_tag, Int32(Self.tagLength), tag)
            precondition(status == 1, "setting the Poly1305 tag failed")
            var finalWritten: Int32 = 0
            return EVP_CipherFinal_ex(context, length > 0 ? out + Int(written) : fallback, &finalWritten) == 1
        }
    }
}
