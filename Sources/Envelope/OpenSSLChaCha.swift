internal import COpenSSL

/// OpenSSLChaCha is the one place where OpenSSL's ChaCha20-Poly1305 is looked up: fetched once
/// per process (OpenSSL 3 otherwise looks the algorithm up again on every initialization), for
/// the STREAM chunks (`PayloadCipher`) and large records (`RecordCipher`).
enum OpenSSLChaCha {
    nonisolated(unsafe) static let algorithm: OpaquePointer? = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil)

    /// A new EVP context for it, initialised for `encrypting` (keys and nonces come later).
    static func newContext(encrypting: Bool) -> OpaquePointer {
        guard let algorithm, let context = EVP_CIPHER_CTX_new() else {
            fatalError("libcrypto has no ChaCha20-Poly1305")
        }
        precondition(
            EVP_CipherInit_ex2(context, algorithm, nil, nil, encrypting ? 1 : 0, nil) == 1, "EVP_CipherInit_ex2 failed")
        return context
    }
}
