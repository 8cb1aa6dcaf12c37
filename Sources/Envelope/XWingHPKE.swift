import ActorKeys
internal import Crypto
import FoundationEssentials

/// XWingHPKE is HPKE base mode (RFC 9180) with the MLKEM768-X25519 KEM (X-Wing, 0x647a),
/// HKDF-SHA256 and ChaCha20-Poly1305, from swift-crypto: the one place in Envelope where HPKE is
/// called. age's mlkem768x25519 stanza is SealBase of the file key with an empty aad.
enum XWingHPKE {
    /// The length of an encapsulated key: the ML-KEM-768 ciphertext and the X25519 share.
    static let encapsulatedKeyLength = 1120

    private static let suite = HPKE.Ciphersuite(kem: .XWingMLKEM768X25519, kdf: .HKDF_SHA256, aead: .chaChaPoly)

    /// SealBase of `plaintext` to `publicKey`; nil when the key is not a valid X-Wing public key
    /// (an ML-KEM encapsulation key out of range, or an X25519 share of low order).
    static func seal(
        publicKey: [UInt8], info: String, plaintext: SecretBytes
    ) -> (encapsulatedKey: [UInt8], ciphertext: [UInt8])? {
        do {
            let key = try XWingMLKEM768X25519.PublicKey(rawRepresentation: publicKey)
            var sender = try HPKE.Sender(recipientKey: key, ciphersuite: suite, info: Data(info.utf8))
            let ciphertext = try plaintext.withUnsafeBytes { try sender.seal($0, authenticating: Data()) }
            return ([UInt8](sender.encapsulatedKey), [UInt8](ciphertext))
        } catch {
            return nil
        }
    }

    /// Opener holds one identity's X-Wing private key, expanded once for all the stanzas of a
    /// header. It lives for one unwrap.
    struct Opener {
        private let key: XWingMLKEM768X25519.PrivateKey

        init(seed: SecretBytes) {
            do {
                key = try seed.withUnsafeBytes {
                    try XWingMLKEM768X25519.PrivateKey(seedRepresentation: $0, publicKey: nil)
                }
            } catch {
                // Only a seed of another length fails; HybridIdentity holds exactly 32 bytes.
                preconditionFailure("X-Wing key expansion failed: \(error)")
            }
        }

        /// The outcome of OpenBase.
        enum Opening {
            case opened(SecretBytes)
            /// Decapsulation failed: the X25519 share is of low order. Not a wrong key: ML-KEM
            /// rejects implicitly, so a wrong key shows only as `.notOpened`.
            case invalidEncapsulation
            /// The AEAD did not authenticate: the stanza is for another key.
            case notOpened
        }

        func open(encapsulatedKey: [UInt8], info: String, ciphertext: [UInt8]) -> Opening {
            let recipient: HPKE.Recipient
            do {
                recipient = try HPKE.Recipient(
                    privateKey: key, ciphersuite: suite, info: Data(info.utf8), encapsulatedKey: Data(encapsulatedKey))
            } catch {
                return .invalidEncapsulation
            }
            var context = recipient
            guard var plaintext = try? context.open(ciphertext, authenticating: Data()) else { return .notOpened }
            defer { plaintext.withUnsafeMutableBytes { SecretBytes.zero($0) } }
            return .opened(plaintext.withUnsafeBytes { SecretBytes(copying: $0) })
        }
    }
}
